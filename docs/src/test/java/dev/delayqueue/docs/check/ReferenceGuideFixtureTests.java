package dev.delayqueue.docs.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks of {@link ReferenceGuide} end to end, on a small guide written to a temporary directory.
 */
class ReferenceGuideFixtureTests {

	private static final String METADATA = """
			{ "properties": [
			    { "name": "delayqueue.enabled", "type": "java.lang.Boolean", "defaultValue": true },
			    { "name": "delayqueue.worker.poll-interval", "type": "java.time.Duration", "defaultValue": "1s" }
			] }
			""";

	private static final String README = """
			# delayqueue

			A delay queue. Read [the API](docs/api.md) and [the configuration](docs/configuration.md#properties).

			<!-- snippet: dev/delayqueue/docs/api/Examples.java#schedule -->
			```java
			queue.schedule("order", "42");
			```
			""";

	private static final String API = """
			# API

			## Scheduling

			<!-- snippet: dev/delayqueue/docs/api/Examples.java -->
			```java
			class Examples {

			    void schedule(Queue queue) {
			        queue.schedule("order", "42");
			    }

			}
			```

			Turn it off with `delayqueue.enabled=false`; see [properties](configuration.md#properties).
			""";

	private static final String CONFIGURATION = """
			# Configuration

			## Properties

			| property | default | description |
			| --- | --- | --- |
			| `delayqueue.enabled` | `true` | Whether delayqueue is enabled at all. |
			| `delayqueue.worker.poll-interval` | `1s` | Longest sleep. Back to [scheduling](api.md#scheduling). |
			""";

	@TempDir
	Path root;

	private ReferenceGuide guide;

	private final ConfigurationMetadata metadata = ConfigurationMetadata.parse(List.of(METADATA),
			getClass().getClassLoader());

	@BeforeEach
	void writeGuide() throws IOException {
		write("README.md", README);
		write("docs/api.md", API);
		write("docs/configuration.md", CONFIGURATION);
		write("docs/src/test/java/dev/delayqueue/docs/api/Examples.java", """
				package dev.delayqueue.docs.api;

				class Examples {

				\tvoid schedule(Queue queue) {
				\t\t// tag::schedule[]
				\t\tqueue.schedule("order", "42");
				\t\t// end::schedule[]
				\t}

				}
				""");
		this.guide = new ReferenceGuide(new DocsTree(this.root.resolve("docs")));
	}

	@Test
	void aRightGuidePassesEveryCheck() {
		assertThat(this.guide.snippets(false)).isEmpty();
		assertThat(this.guide.configurationPage(this.metadata)).isEmpty();
		assertThat(this.guide.propertyMentions(this.metadata)).isEmpty();
		assertThat(this.guide.frontPage()).isEmpty();
		assertThat(this.guide.links()).isEmpty();
	}

	@Test
	void aWrongGuideFailsEachCheckWithThePlaceOfTheError() throws IOException {
		String readme = README.replace("\"42\"", "\"43\"").replace("[the API](docs/api.md)", "the API")
				+ "Set `delayqueue.worker.pol-interval`.\n" + "padding\n".repeat(800);
		write("README.md", readme);
		write("docs/configuration.md", CONFIGURATION.replace("`1s`", "`1000ms`").replace("api.md#scheduling",
				"api.md#schedule"));
		assertThat(this.guide.snippets(false)).singleElement()
			.asString()
			.startsWith("README.md:6: the ```java block differs from dev/delayqueue/docs/api/Examples.java#schedule");
		assertThat(this.guide.configurationPage(this.metadata)).containsExactly("docs/configuration.md:8: the "
				+ "default of delayqueue.worker.poll-interval is `1000ms` on the page; the metadata says `1s`");
		assertThat(this.guide.propertyMentions(this.metadata)).singleElement()
			.asString()
			.startsWith("README.md:9: delayqueue.worker.pol-interval is no property");
		assertThat(this.guide.frontPage()).containsExactly(
				"README.md has " + readme.length() + " bytes; a front page stays under 6144 (6 KB): move the details into docs/",
				"README.md does not link docs/api.md");
		assertThat(this.guide.links()).singleElement()
			.asString()
			.startsWith("docs/configuration.md:8: the link api.md#schedule names no heading of docs/api.md");
	}

	@Test
	void updatingCopiesTheSourcesIntoThePages() throws IOException {
		write("docs/api.md", API.replace("\"42\"", "\"43\""));
		assertThat(this.guide.snippets(false)).hasSize(1);
		assertThat(this.guide.snippets(true)).isEmpty();
		assertThat(this.root.resolve("docs/api.md")).hasContent(API);
		assertThat(this.guide.snippets(false)).isEmpty();
	}

	@Test
	void updatingStillFailsOnAMissingTag() throws IOException {
		write("README.md", README.replace("#schedule", "#scheduling"));
		assertThat(this.guide.snippets(true)).containsExactly(
				"README.md:6: dev/delayqueue/docs/api/Examples.java has no // tag::scheduling[]");
		assertThat(this.root.resolve("README.md")).hasContent(README.replace("#schedule", "#scheduling"));
	}

	@Test
	void aMissingConfigurationPageIsNamed() throws IOException {
		Files.delete(this.root.resolve("docs/configuration.md"));
		assertThat(this.guide.configurationPage(this.metadata)).singleElement()
			.asString()
			.startsWith("docs/configuration.md does not exist");
	}

	private void write(String name, String text) throws IOException {
		Path file = this.root.resolve(name);
		Files.createDirectories(file.getParent());
		Files.writeString(file, text);
	}

}
