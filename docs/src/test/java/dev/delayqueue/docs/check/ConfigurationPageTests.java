package dev.delayqueue.docs.check;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationPageTests {

	private static final String METADATA = """
			{ "properties": [
			    { "name": "delayqueue.enabled", "type": "java.lang.Boolean", "defaultValue": true },
			    { "name": "delayqueue.worker.batch-size", "type": "java.lang.Integer", "defaultValue": 100 },
			    { "name": "delayqueue.defaults.retry.multiplier", "type": "java.lang.Double", "defaultValue": 2 },
			    { "name": "delayqueue.http.signing-secret", "type": "java.lang.String" },
			    { "name": "delayqueue.topics",
			      "type": "java.util.Map<java.lang.String,dev.delayqueue.autoconfigure.DelayQueueProperties$Topic>" }
			] }
			""";

	private static final String TOPIC_ROWS = """
			| `delayqueue.topics.<topic>.concurrency` | | |
			| `delayqueue.topics.<topic>.prefetch` | | |
			| `delayqueue.topics.<topic>.lease` | | |
			| `delayqueue.topics.<topic>.no-retry-for` | | |
			| `delayqueue.topics.<topic>.partitions` | | |
			| `delayqueue.topics.<topic>.rate-limit` | | |
			| `delayqueue.topics.<topic>.retry.max-attempts` | | |
			| `delayqueue.topics.<topic>.retry.initial-interval` | | |
			| `delayqueue.topics.<topic>.retry.multiplier` | | |
			| `delayqueue.topics.<topic>.retry.max-interval` | | |
			| `delayqueue.topics[<topic>].retry.jitter` | *(the defaults')* | |
			""";

	private final ConfigurationPage check = new ConfigurationPage(
			ConfigurationMetadata.parse(List.of(METADATA), getClass().getClassLoader()));

	@Test
	void aPageListingEveryPropertyWithItsDefaultPasses() {
		assertThat(check("""
				| property | default | description |
				| --- | --- | --- |
				| `delayqueue.enabled` | `true` | Whether. |
				| `delayqueue.worker.batch-size` | `100` | Most jobs. |
				| `delayqueue.defaults.retry.multiplier` | `2.0` | Factor. |
				| `delayqueue.http.signing-secret` | *(none)* | Secret. |
				""" + TOPIC_ROWS)).isEmpty();
	}

	@Test
	void propertiesMissingOnEitherSideAreListedInOneMessage() {
		List<String> problems = check("""
				| `delayqueue.enabled` | `true` | Whether. |
				| `delayqueue.worker.batch-size` | `100` | Most jobs. |
				| `delayqueue.worker.bach-size` | `100` | Typo. |
				| `delayqueue.topics.<topic>.leases` | | Typo. |
				""" + TOPIC_ROWS);
		assertThat(problems).singleElement()
			.asString()
			.startsWith("docs/configuration.md and the configuration metadata list different properties")
			.endsWith("\n  in the metadata, not on the page:\n    delayqueue.defaults.retry.multiplier"
					+ "\n    delayqueue.http.signing-secret\n  on the page, not in the metadata:"
					+ "\n    delayqueue.worker.bach-size (line 3)\n    delayqueue.topics.<topic>.leases (line 4)");
	}

	@Test
	void aDefaultThatDiffersFromTheMetadataFails() {
		List<String> problems = check("""
				| `delayqueue.enabled` | `false` | Whether. |
				| `delayqueue.worker.batch-size` | `100` | Most jobs. |
				| `delayqueue.defaults.retry.multiplier` | `2` | Factor. |
				| `delayqueue.http.signing-secret` | `secret` | Secret. |
				""" + TOPIC_ROWS);
		assertThat(problems).containsExactly(
				"docs/configuration.md:1: the default of delayqueue.enabled is `false` on the page; the metadata "
						+ "says `true`",
				"docs/configuration.md:4: the default of delayqueue.http.signing-secret is `secret` on the page; the "
						+ "metadata says an empty cell or prose in italics (the metadata has no default)");
	}

	@Test
	void aPropertyListedTwiceFails() {
		List<String> problems = check("""
				| `delayqueue.enabled` | `true` | Whether. |
				| `delayqueue.worker.batch-size` | `100` | Most jobs. |
				| `delayqueue.defaults.retry.multiplier` | `2` | Factor. |
				| `delayqueue.http.signing-secret` | | Secret. |
				| `delayqueue.enabled` | `true` | Again. |
				""" + TOPIC_ROWS);
		assertThat(problems)
			.containsExactly("docs/configuration.md:5: delayqueue.enabled is listed again (first on line 1)");
	}

	private List<String> check(String markdown) {
		return this.check.check(MarkdownPage.parse("docs/configuration.md", markdown));
	}

}
