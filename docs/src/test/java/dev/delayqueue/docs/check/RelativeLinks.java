package dev.delayqueue.docs.check;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the relative links of pages: each points to a file or directory of the repository, and a fragment on a
 * Markdown page (this one or another) names one of its {@link HeadingSlugs headings}. Links with a scheme
 * ({@code https:}) are not followed; a fragment on a file that is not Markdown ({@code Foo.java#L10}) is not checked.
 */
final class RelativeLinks {

	private final DocsTree tree;

	private final Map<Path, Set<String>> slugs = new HashMap<>();

	RelativeLinks(DocsTree tree) {
		this.tree = tree;
	}

	/**
	 * Checks the links of a page.
	 * @param file the page's file
	 * @param page the page
	 * @return one message per broken link
	 */
	List<String> check(Path file, MarkdownPage page) {
		List<String> problems = new ArrayList<>();
		for (MarkdownLink link : MarkdownLinks.find(page)) {
			if (link.isExternal()) {
				continue;
			}
			Path target = resolve(file, link);
			String at = page.name() + ":" + link.line() + ": the link " + link.target();
			if (!target.startsWith(this.tree.root())) {
				problems.add(at + " leaves the repository");
			}
			else if (!Files.exists(target)) {
				problems.add(at + " points to " + this.tree.name(target) + ", which does not exist");
			}
			else if (!link.fragment().isEmpty() && target.toString().endsWith(".md")
					&& !slugs(target).contains(link.fragment())) {
				problems.add(at + " names no heading of " + this.tree.name(target) + "; its anchors are "
						+ String.join(", ", slugs(target)));
			}
		}
		return problems;
	}

	/**
	 * The files a page links to.
	 * @param file the page's file
	 * @param page the page
	 * @return the targets of its relative links, without fragments
	 */
	Set<Path> targets(Path file, MarkdownPage page) {
		Set<Path> targets = new LinkedHashSet<>();
		for (MarkdownLink link : MarkdownLinks.find(page)) {
			if (!link.isExternal()) {
				targets.add(resolve(file, link));
			}
		}
		return targets;
	}

	private Path resolve(Path file, MarkdownLink link) {
		String path = URLDecoder.decode(link.path().replace("+", "%2B"), StandardCharsets.UTF_8);
		Path from = file.toAbsolutePath().normalize();
		if (path.isEmpty()) {
			return from;
		}
		if (path.startsWith("/")) {
			return this.tree.root().resolve(path.substring(1)).normalize();
		}
		return from.resolveSibling(path).normalize();
	}

	private Set<String> slugs(Path page) {
		return this.slugs.computeIfAbsent(page, (file) -> HeadingSlugs.of(this.tree.read(file)));
	}

}
