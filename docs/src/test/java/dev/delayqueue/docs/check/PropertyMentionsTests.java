package dev.delayqueue.docs.check;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PropertyMentionsTests {

	private static final String METADATA = """
			{ "properties": [
			    { "name": "delayqueue.enabled", "type": "java.lang.Boolean", "defaultValue": true },
			    { "name": "delayqueue.worker.batch-size", "type": "java.lang.Integer", "defaultValue": 100 },
			    { "name": "delayqueue.http.allowed-hosts", "type": "java.util.List<java.lang.String>" },
			    { "name": "delayqueue.topics",
			      "type": "java.util.Map<java.lang.String,dev.delayqueue.autoconfigure.DelayQueueProperties$Topic>" }
			] }
			""";

	private final PropertyMentions mentions = new PropertyMentions(
			ConfigurationMetadata.parse(List.of(METADATA), getClass().getClassLoader()));

	@Test
	void propertiesGroupsAndTopicKeysInAnySpellingPass() {
		assertThat(check("""
				`delayqueue.enabled`, `delayqueue.worker`, `delayqueue.worker.*`, `delayqueue.worker.batch-size=10`,
				`delayqueue.http.allowed-hosts[0]`, `delayqueue.topics`, `delayqueue.topics.<topic>.*`,
				`delayqueue.topics.<name>.retry.max-attempts`, `delayqueue.topics[order.created].lease`,
				`delayqueue.topics.order.lease`, `delayqueue.topics[order]`.

				```properties
				delayqueue.topics[order.created].retry.jitter=0.2
				```
				""")).isEmpty();
	}

	@Test
	void namesOutsideTheMetadatasFirstSegmentsAreNotChecked() {
		assertThat(check("Meters `delayqueue.jobs.scheduled` and `delayqueue.lateness`; `delayqueue.*`.")).isEmpty();
	}

	@Test
	void unknownNamesFailWithTheirLine() {
		assertThat(check("""
				Intro.

				Set `delayqueue.worker.batch` and `delayqueue.topics.order.leese`.

				```properties
				delayqueue.http.allowed-host=a
				```
				""")).containsExactly(
				"docs/page.md:3: delayqueue.worker.batch is no property of the configuration metadata "
						+ PropertyMentions.WRONG_EXAMPLE_HINT,
				"docs/page.md:3: delayqueue.topics.order.leese is no property of the configuration metadata "
						+ PropertyMentions.WRONG_EXAMPLE_HINT,
				"docs/page.md:6: delayqueue.http.allowed-host is no property of the configuration metadata "
						+ PropertyMentions.WRONG_EXAMPLE_HINT);
	}

	@Test
	void inProseTheTopicKeysTheStartupCheckExplainsAreErrorExamples() {
		assertThat(check("""
				A key that binds to nothing (`delayqueue.topics.order.created.lease`, or
				`delayqueue.topics.order.max-attempts` outside `retry`) fails the startup.
				""")).isEmpty();
	}

	@Test
	void inAPropertiesBlockTheyAreReportedUnlessMarkedWrong() {
		assertThat(check("""
				```properties
				delayqueue.topics.order.created.lease=2m
				# wrong: retry keys sit under retry
				delayqueue.topics.order.max-attempts=3
				```
				""")).singleElement().asString().startsWith("docs/page.md:2: delayqueue.topics.order.created.lease is no");
	}

	private List<String> check(String markdown) {
		return this.mentions.check(MarkdownPage.parse("docs/page.md", markdown));
	}

}
