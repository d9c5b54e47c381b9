package dev.delayqueue.docs.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RelativeLinksTests {

	@TempDir
	Path root;

	private DocsTree tree;

	@BeforeEach
	void writeTree() throws IOException {
		Files.createDirectories(this.root.resolve("docs"));
		Files.createDirectories(this.root.resolve("samples/order-timeout"));
		Files.writeString(this.root.resolve("docs/api.md"), "# API\n\n## Scheduling\n\n## Scheduling\n");
		Files.writeString(this.root.resolve("CONTRIBUTING.md"), "# Contributing\n");
		this.tree = new DocsTree(this.root.resolve("docs"));
	}

	@Test
	void linksToExistingFilesDirectoriesAndHeadingsPass() throws IOException {
		Path readme = write("README.md", """
				# delayqueue

				[API](docs/api.md), [scheduling](docs/api.md#scheduling-1), [sample](samples/order-timeout),
				[contributing](./CONTRIBUTING.md#contributing), [below](#delayqueue), [root](/docs/api.md),
				[site](https://example.com/missing.md).
				""");
		assertThat(new RelativeLinks(this.tree).check(readme, this.tree.read(readme))).isEmpty();
	}

	@Test
	void aMissingFileOrHeadingFails() throws IOException {
		Path page = write("docs/guide.md", """
				# Guide

				[gone](gone.md), [anchor](api.md#scheduling-2), [here](#nowhere), [up](../../outside.md).

				```md
				[ignored](nope.md)
				```
				""");
		assertThat(new RelativeLinks(this.tree).check(page, this.tree.read(page))).containsExactly(
				"docs/guide.md:3: the link gone.md points to docs/gone.md, which does not exist",
				"docs/guide.md:3: the link api.md#scheduling-2 names no heading of docs/api.md; its anchors are api, "
						+ "scheduling, scheduling-1",
				"docs/guide.md:3: the link #nowhere names no heading of docs/guide.md; its anchors are guide",
				"docs/guide.md:3: the link ../../outside.md leaves the repository");
	}

	@Test
	void theTargetsOfAPageAreResolvedFiles() throws IOException {
		Path readme = write("README.md", "[API](docs/api.md#scheduling) [x](https://example.com)\n");
		assertThat(new RelativeLinks(this.tree).targets(readme, this.tree.read(readme)))
			.containsExactly(this.root.resolve("docs/api.md").toAbsolutePath().normalize());
	}

	private Path write(String name, String text) throws IOException {
		Path file = this.root.resolve(name);
		Files.writeString(file, text);
		return file;
	}

}
