package dev.delayqueue.docs.check;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class HeadingSlugsTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			Getting started                              | getting-started
			`@DelayedJobHandler` parameters              | delayedjobhandler-parameters
			Retries, backoff & the dead state            | retries-backoff--the-dead-state
			What "at least once" means (and doesn't)     | what-at-least-once-means-and-doesnt
			`delayqueue.topics.<topic>.lease`            | delayqueuetopicstopiclease
			delayqueue.topics.<topic>.lease              | delayqueuetopicslease
			Redis Cluster / Sentinel                     | redis-cluster--sentinel
			snake_case and kebab-case                    | snake_case-and-kebab-case
			[The API](api.md) in 5 minutes               | the-api-in-5-minutes
			[`DelayQueue`](api.md) methods               | delayqueue-methods
			Über Verzögerungen                           | über-verzögerungen
			""")
	void slugsFollowGitHub(String heading, String slug) {
		assertThat(HeadingSlugs.slug(heading)).isEqualTo(slug);
	}

	@Test
	void findsAtxAndSetextHeadingsOutsideFencesAndNumbersDuplicates() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				# Title #

				Setext
				======

				## Example

				```sh
				# not a heading
				```

				### Example

				Text
				and more
				---

				#hashtag is no heading

				## Example
				""");
		assertThat(HeadingSlugs.of(page)).containsExactly("title", "setext", "example", "example-1", "example-2");
	}

}
