package dev.delayqueue.docs.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownLinksTests {

	@Test
	void findsInlineLinksImagesAndDefinitionsOutsideCode() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				See [the API](docs/api.md#scheduling) and [`DelayQueue`](docs/api.md "API"), ![logo](<img/logo one.png>).
				Not `[code](nope.md)`; [tests](https://example.com/x.md) are external.
				[a [nested] text](docs/nested.md)

				```markdown
				[in a block](nope.md)
				```

				[ref]: CHANGELOG.md
				""");
		assertThat(MarkdownLinks.find(page)).containsExactly(new MarkdownLink("docs/api.md#scheduling", 1),
				new MarkdownLink("docs/api.md", 1), new MarkdownLink("img/logo one.png", 1),
				new MarkdownLink("https://example.com/x.md", 2), new MarkdownLink("docs/nested.md", 3),
				new MarkdownLink("CHANGELOG.md", 9));
	}

	@Test
	void aTargetSplitsIntoPathAndFragment() {
		MarkdownLink link = new MarkdownLink("api.md#scheduling", 1);
		assertThat(link.path()).isEqualTo("api.md");
		assertThat(link.fragment()).isEqualTo("scheduling");
		assertThat(new MarkdownLink("#retries", 1).path()).isEmpty();
		assertThat(new MarkdownLink("https://example.com", 1).isExternal()).isTrue();
		assertThat(new MarkdownLink("mailto:a@example.com", 1).isExternal()).isTrue();
		assertThat(new MarkdownLink("docs/api.md", 1).isExternal()).isFalse();
	}

}
