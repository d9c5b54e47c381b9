package dev.delayqueue.docs.check;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class MarkdownPageTests {

	@Test
	void findsFencedBlocksWithTheirLanguageAndLines() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				# Title

				```java
				class A {}
				```

				~~~ Properties title="x"
				a=b
				~~~
				""");
		assertThat(page.blocks()).extracting(FencedBlock::language, FencedBlock::openLine, FencedBlock::content)
			.containsExactly(tuple("java", 3, List.of("class A {}")),
					tuple("properties", 7, List.of("a=b")));
	}

	@Test
	void aLongerFenceHoldsShorterOnes() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				````markdown
				```java
				class A {}
				```
				````
				""");
		assertThat(page.blocks()).singleElement().satisfies((block) -> {
			assertThat(block.language()).isEqualTo("markdown");
			assertThat(block.content()).hasSize(3);
		});
	}

	@Test
	void anUnclosedBlockRunsToTheEnd() {
		MarkdownPage page = MarkdownPage.parse("page.md", "text\n```sh\nls\nmore\n");
		assertThat(page.blocks()).singleElement().satisfies((block) -> {
			assertThat(block.closeIndex()).isEqualTo(4);
			assertThat(block.content()).containsExactly("ls", "more");
		});
		assertThat(page.isFenced(0)).isFalse();
		assertThat(page.isFenced(3)).isTrue();
	}

	@Test
	void fencesAndTheirContentAreNotProse() {
		MarkdownPage page = MarkdownPage.parse("page.md", "a\n```\nb\n```\nc\n");
		assertThat(page.isFenced(0)).isFalse();
		assertThat(page.isFenced(1)).isTrue();
		assertThat(page.isFenced(2)).isTrue();
		assertThat(page.isFenced(3)).isTrue();
		assertThat(page.isFenced(4)).isFalse();
	}

	@Test
	void anIndentedBlockKeepsItsIndentApart() {
		MarkdownPage page = MarkdownPage.parse("page.md", "1. Step:\n\n   ```java\n   int a;\n\n       int b;\n   ```\n");
		assertThat(page.blocks()).singleElement().satisfies((block) -> {
			assertThat(block.indent()).isEqualTo("   ");
			assertThat(block.unindentedContent()).containsExactly("int a;", "", "    int b;");
		});
	}

	@Test
	void aNewVersionKeepsTheFinalNewlineOrItsAbsence() {
		assertThat(MarkdownPage.parse("page.md", "a\nb\n").text(List.of("c"))).isEqualTo("c\n");
		assertThat(MarkdownPage.parse("page.md", "a\nb").text(List.of("c"))).isEqualTo("c");
	}

}
