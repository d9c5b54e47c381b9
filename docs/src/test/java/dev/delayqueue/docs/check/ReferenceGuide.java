package dev.delayqueue.docs.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks of the reference guide, run on one {@link DocsTree}: the real one in {@code ReferenceGuideTests},
 * fixtures in a temporary directory in {@code ReferenceGuideFixtureTests}. Each returns the problems it found, an
 * empty list when the guide is right.
 */
final class ReferenceGuide {

	/** Largest README, in bytes: a front page, the reference in {@code docs/}. */
	static final long README_LIMIT = 6 * 1024;

	private final DocsTree tree;

	ReferenceGuide(DocsTree tree) {
		this.tree = tree;
	}

	DocsTree tree() {
		return this.tree;
	}

	/**
	 * Checks the {@code ```java} blocks of the README and the pages against their sources.
	 * @param update whether to copy the sources into blocks that differ instead of reporting them
	 * @return the problems, and the differences unless updating
	 */
	List<String> snippets(boolean update) {
		Snippets snippets = new Snippets(this.tree.snippetSources(), this.tree.name(this.tree.snippetSources()));
		List<String> problems = new ArrayList<>();
		for (Path file : this.tree.readmeAndPages()) {
			MarkdownPage page = this.tree.read(file);
			SnippetReport report = snippets.check(page);
			problems.addAll(report.problems());
			if (!update) {
				problems.addAll(report.differences());
			}
			else if (!report.differences().isEmpty()) {
				DocsTree.writeString(file, report.updatedText());
				System.err.println("docs: updated " + report.differences().size() + " block(s) of " + page.name());
			}
		}
		return problems;
	}

	/**
	 * Checks the configuration page's tables against the metadata.
	 * @param metadata the configuration metadata
	 * @return the problems
	 */
	List<String> configurationPage(ConfigurationMetadata metadata) {
		Path file = this.tree.configurationPage();
		if (!Files.isRegularFile(file)) {
			return List.of(this.tree.name(file) + " does not exist; it should list every property of the "
					+ "configuration metadata (" + metadata.properties().size() + " of them) in rows "
					+ "| `name` | `default` | description |");
		}
		return new ConfigurationPage(metadata).check(this.tree.read(file));
	}

	/**
	 * Checks the {@code delayqueue.*} names mentioned in the README and the pages.
	 * @param metadata the configuration metadata
	 * @return the problems
	 */
	List<String> propertyMentions(ConfigurationMetadata metadata) {
		Set<String> meters = new HashSet<>();
		for (Path file : this.tree.readmeAndPages()) {
			meters.addAll(MeterTable.names(this.tree.read(file)));
		}
		PropertyMentions mentions = new PropertyMentions(metadata, meters);
		List<String> problems = new ArrayList<>();
		for (Path file : this.tree.readmeAndPages()) {
			problems.addAll(mentions.check(this.tree.read(file)));
		}
		return problems;
	}

	/**
	 * Checks the README: small, and linking every page.
	 * @return the problems
	 */
	List<String> frontPage() {
		Path readme = this.tree.readme();
		if (!Files.isRegularFile(readme)) {
			return List.of(this.tree.name(readme) + " does not exist");
		}
		List<String> problems = new ArrayList<>();
		long size = size(readme);
		if (size >= README_LIMIT) {
			problems.add(this.tree.name(readme) + " has " + size + " bytes; a front page stays under " + README_LIMIT
					+ " (6 KB): move the details into docs/");
		}
		Set<Path> linked = new RelativeLinks(this.tree).targets(readme, this.tree.read(readme));
		for (Path page : this.tree.pages()) {
			if (!linked.contains(page)) {
				problems.add(this.tree.name(readme) + " does not link " + this.tree.name(page));
			}
		}
		return problems;
	}

	/**
	 * Checks the relative links of the README, the changelog and the pages.
	 * @return the problems
	 */
	List<String> links() {
		RelativeLinks links = new RelativeLinks(this.tree);
		List<String> problems = new ArrayList<>();
		for (Path file : this.tree.linkedFiles()) {
			problems.addAll(links.check(file, this.tree.read(file)));
		}
		return problems;
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
