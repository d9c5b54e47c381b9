package dev.delayqueue.docs.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SnippetsTests {

	@TempDir
	Path sources;

	private Snippets snippets;

	@BeforeEach
	void writeSources() throws IOException {
		Path api = Files.createDirectories(this.sources.resolve("dev/delayqueue/docs/api"));
		Files.writeString(api.resolve("Examples.java"), """
				package dev.delayqueue.docs.api;

				class Examples {

				\tvoid schedule() {
				\t\t// tag::schedule[]
				\t\tint delay = 30;
				\t\tif (delay > 0) {
				\t\t\tdelay--;
				\t\t}
				\t\t// end::schedule[]
				\t}

				}
				""");
		this.snippets = new Snippets(this.sources, "docs/src/test/java");
	}

	@Test
	void aBlockEqualToItsSourcePasses() {
		SnippetReport report = check("""
				Text.

				<!-- snippet: dev/delayqueue/docs/api/Examples.java#schedule -->
				```java
				int delay = 30;
				if (delay > 0) {
				    delay--;
				}
				```

				<!-- snippet: dev/delayqueue/docs/api/Examples.java -->
				```java
				class Examples {

				    void schedule() {
				        int delay = 30;
				        if (delay > 0) {
				            delay--;
				        }
				    }

				}
				```
				""");
		assertThat(report.problems()).isEmpty();
		assertThat(report.differences()).isEmpty();
	}

	@Test
	void aJavaBlockWithoutAMarkerFails() {
		SnippetReport report = check("Text.\n\n```java\nint a;\n```\n");
		assertThat(report.problems()).singleElement()
			.asString()
			.startsWith("docs/api.md:3: every Java block must come from a compiled snippet");
	}

	@Test
	void blocksOfOtherLanguagesAreLeftAlone() {
		SnippetReport report = check("```kotlin\nval a = 1\n```\n\n```\nplain\n```\n\n```properties\na=b\n```\n");
		assertThat(report.problems()).isEmpty();
		assertThat(report.differences()).isEmpty();
	}

	@Test
	void aMarkerNamingAMissingFileOrTagFails() {
		SnippetReport report = check("""
				<!-- snippet: dev/delayqueue/docs/api/Missing.java -->
				```java
				```
				<!-- snippet: dev/delayqueue/docs/api/Examples.java#nope -->
				```java
				```
				""");
		assertThat(report.problems()).containsExactly(
				"docs/api.md:2: the snippet source dev/delayqueue/docs/api/Missing.java does not exist under "
						+ "docs/src/test/java",
				"docs/api.md:5: dev/delayqueue/docs/api/Examples.java has no // tag::nope[]");
	}

	@Test
	void aDifferentBlockFailsWithItsLineAndAShortDiff() {
		SnippetReport report = check("""
				# API

				<!-- snippet: dev/delayqueue/docs/api/Examples.java#schedule -->
				```java
				int delay = 30;
				if (delay > 1) {
				    delay--;
				}
				```
				""");
		assertThat(report.problems()).isEmpty();
		assertThat(report.differences()).containsExactly("docs/api.md:4: the ```java block differs from "
				+ "dev/delayqueue/docs/api/Examples.java#schedule (" + Snippets.UPDATE_HINT + "); from line 6:\n"
				+ "    - page:   if (delay > 1) {\n" + "    + source: if (delay > 0) {");
	}

	@Test
	void theUpdatedTextCopiesTheSourceIntoTheBlockAndLeavesTheRestAlone() {
		SnippetReport report = check("""
				# API

				1. Schedule:

				   <!-- snippet: dev/delayqueue/docs/api/Examples.java#schedule -->
				   ```java
				   old
				   ```

				```sh
				old
				```
				""");
		assertThat(report.updatedText()).isEqualTo("""
				# API

				1. Schedule:

				   <!-- snippet: dev/delayqueue/docs/api/Examples.java#schedule -->
				   ```java
				   int delay = 30;
				   if (delay > 0) {
				       delay--;
				   }
				   ```

				```sh
				old
				```
				""");
	}

	@Test
	void trailingWhitespaceDoesNotCount() {
		SnippetReport report = check("<!-- snippet: dev/delayqueue/docs/api/Examples.java#schedule -->\n```java\n"
				+ "int delay = 30;  \nif (delay > 0) {\n    delay--;\n}\n```\n");
		assertThat(report.differences()).isEmpty();
	}

	@Test
	void aMarkerMustSitRightAboveAJavaFence() {
		SnippetReport report = check("""
				<!-- snippet: dev/delayqueue/docs/api/Examples.java#schedule -->

				```java
				int a;
				```

				<!-- snippet: dev/delayqueue/docs/api/Examples.java#schedule -->
				```kotlin
				val a = 1
				```

				<!-- snippet dev/delayqueue/docs/api/Examples.java -->
				""");
		assertThat(report.problems()).hasSize(4).satisfiesExactly(
				(problem) -> assertThat(problem).startsWith("docs/api.md:1: a snippet marker must be on the line right"),
				(problem) -> assertThat(problem).startsWith("docs/api.md:3: every Java block must come from"),
				(problem) -> assertThat(problem).startsWith("docs/api.md:8: a snippet marker stands above a ```kotlin"),
				(problem) -> assertThat(problem).startsWith("docs/api.md:12: malformed snippet marker"));
	}

	@Test
	void markersAreReadWithAndWithoutATag() {
		assertThat(SnippetMarker.parse("<!-- snippet: dev/delayqueue/docs/api/ApiExamples.java#schedule -->"))
			.contains(new SnippetMarker("dev/delayqueue/docs/api/ApiExamples.java", "schedule"));
		assertThat(SnippetMarker.parse("  <!--snippet:dev/delayqueue/docs/gettingstarted/OrderTimeouts.java-->"))
			.contains(new SnippetMarker("dev/delayqueue/docs/gettingstarted/OrderTimeouts.java", null));
		assertThat(SnippetMarker.parse("<!-- a comment -->")).isEmpty();
	}

	@Test
	void theDiffShowsOnlyTheLinesBetweenTheCommonStartAndEnd() {
		assertThat(Snippets.diff(List.of("a", "b", "c"), List.of("a", "c"), 10))
			.isEqualTo("; from line 11:\n    - page:   b");
	}

	private SnippetReport check(String markdown) {
		return this.snippets.check(MarkdownPage.parse("docs/api.md", markdown));
	}

}
