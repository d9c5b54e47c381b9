package dev.delayqueue.docs.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the reference guide lives: the pages ({@code *.md}) directly in the docs module's directory, the snippet
 * sources under its {@code src/test/java}, {@code README.md} and {@code CHANGELOG.md} one level up.
 */
final class DocsTree {

	/** System property naming the docs module's directory; surefire sets it to {@code ${project.basedir}}. */
	static final String DIR_PROPERTY = "docs.dir";

	private final Path docsDir;

	DocsTree(Path docsDir) {
		this.docsDir = docsDir.toAbsolutePath().normalize();
	}

	/**
	 * The tree of this build: {@value #DIR_PROPERTY}, or the working directory (the module's under surefire).
	 * @return the tree
	 */
	static DocsTree fromSystemProperties() {
		return new DocsTree(Path.of(System.getProperty(DIR_PROPERTY, "")));
	}

	Path docsDir() {
		return this.docsDir;
	}

	Path root() {
		Path parent = this.docsDir.getParent();
		return (parent != null) ? parent : this.docsDir;
	}

	Path readme() {
		return root().resolve("README.md");
	}

	Path changelog() {
		return root().resolve("CHANGELOG.md");
	}

	Path snippetSources() {
		return this.docsDir.resolve("src/test/java");
	}

	Path configurationPage() {
		return this.docsDir.resolve("configuration.md");
	}

	/**
	 * The pages of the guide, sorted by name.
	 * @return every {@code *.md} directly in the docs directory
	 */
	List<Path> pages() {
		if (!Files.isDirectory(this.docsDir)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(this.docsDir)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".md"))
				.filter(Files::isRegularFile)
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The README followed by the pages, each only if it exists.
	 * @return the Markdown files whose snippets and property names are checked
	 */
	List<Path> readmeAndPages() {
		List<Path> files = new ArrayList<>();
		if (Files.isRegularFile(readme())) {
			files.add(readme());
		}
		files.addAll(pages());
		return files;
	}

	/**
	 * The README, the changelog if there is one, and the pages.
	 * @return the Markdown files whose links are checked
	 */
	List<Path> linkedFiles() {
		List<Path> files = new ArrayList<>();
		if (Files.isRegularFile(readme())) {
			files.add(readme());
		}
		if (Files.isRegularFile(changelog())) {
			files.add(changelog());
		}
		files.addAll(pages());
		return files;
	}

	/**
	 * A file's name for messages, relative to the repository root.
	 * @param file a file of the tree
	 * @return its path from the root, with forward slashes
	 */
	String name(Path file) {
		return root().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
	}

	MarkdownPage read(Path file) {
		return MarkdownPage.parse(name(file), readString(file));
	}

	static String readString(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void writeString(Path file, String text) {
		try {
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
