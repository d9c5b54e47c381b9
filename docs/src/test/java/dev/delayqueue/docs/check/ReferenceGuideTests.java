package dev.delayqueue.docs.check;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference guide as it is: README.md and docs/*.md against the snippet sources, the configuration metadata and
 * each other. With {@code -Ddocs.update=true} the Java blocks are copied from their sources instead of compared.
 */
class ReferenceGuideTests {

	private final ReferenceGuide guide = new ReferenceGuide(DocsTree.fromSystemProperties());

	private final ConfigurationMetadata metadata = ConfigurationMetadata.load(getClass().getClassLoader());

	@Test
	void everyJavaBlockIsACompiledSnippet() {
		assertNone(this.guide.snippets(Boolean.getBoolean("docs.update")),
				"Java blocks that do not match their snippet sources");
	}

	/**
	 * The configuration page lists exactly the metadata's properties, with its defaults: booleans
	 * case-insensitively, numbers numerically, lists joined by commas, strings exactly; where the metadata has no
	 * default (or an empty one) the cell is empty, {@code ""} or prose in italics such as {@code *(none)*}.
	 */
	@Test
	void theConfigurationPageListsEveryPropertyWithItsDefault() {
		assertThat(this.metadata.properties()).as("delayqueue properties in the configuration metadata").isNotEmpty();
		assertNone(this.guide.configurationPage(this.metadata), "The configuration page and the metadata disagree");
	}

	@Test
	void everyPropertyMentionedExists() {
		assertNone(this.guide.propertyMentions(this.metadata), "Property names that the metadata does not know");
	}

	@Test
	void theReadmeIsAFrontPageThatLinksEveryPage() {
		assertNone(this.guide.frontPage(), "The README is not the front page of the guide");
	}

	@Test
	void everyRelativeLinkAndAnchorResolves() {
		assertNone(this.guide.links(), "Broken links");
	}

	static void assertNone(List<String> problems, String what) {
		assertThat(problems).withFailMessage(() -> what + " (" + problems.size() + "):\n" + String.join("\n", problems))
			.isEmpty();
	}

}
