package dev.delayqueue.docs.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SnippetSourceTests {

	private static final String SOURCE = """
			package dev.delayqueue.docs.api;


			import dev.delayqueue.DelayQueue;

			// tag::type[]
			class Examples {

			\t// tag::schedule[]
			\tvoid schedule(DelayQueue queue) {
			\t\t// tag::call[]
			\t\tqueue.toString();\t
			\t\t// end::call[]
			\t}
			\t// end::schedule[]

			}
			// end::type[]
			""";

	private final SnippetSource source = SnippetSource.parse("Examples.java", SOURCE);

	@Test
	void theWholeFileLeavesOutThePackageLineTheBlankLinesAfterItAndTheTagMarkers() {
		assertThat(this.source.whole()).containsExactly("import dev.delayqueue.DelayQueue;", "", "class Examples {", "",
				"    void schedule(DelayQueue queue) {", "        queue.toString();", "    }", "", "}");
	}

	@Test
	void aRegionIsDedentedWithTabsAsFourSpacesAndNestedMarkersLeftOut() {
		assertThat(this.source.region("schedule")).containsExactly("void schedule(DelayQueue queue) {",
				"    queue.toString();", "}");
		assertThat(this.source.region("call")).containsExactly("queue.toString();");
	}

	@Test
	void aRegionAtTheTopLevelKeepsItsIndentation() {
		assertThat(this.source.region("type")).startsWith("class Examples {", "", "    void schedule(DelayQueue queue) {");
	}

	@Test
	void regionsOfOneTagAreJoined() {
		SnippetSource twice = SnippetSource.parse("Twice.java", """
				// tag::a[]
				int one;
				// end::a[]
				int skipped;
				// tag::a[]
				int two;
				// end::a[]
				""");
		assertThat(twice.region("a")).containsExactly("int one;", "int two;");
	}

	@Test
	void aMissingTagIsNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.source.region("nope"))
			.withMessage("Examples.java has no // tag::nope[]");
	}

	@Test
	void aTagNeverEndedIsNamedWithItsLine() {
		SnippetSource open = SnippetSource.parse("Open.java", "class A {\n\t// tag::a[]\n\tint a;\n}\n");
		assertThatIllegalArgumentException().isThrownBy(() -> open.region("a"))
			.withMessage("Open.java opens // tag::a[] on line 2 and never ends it with // end::a[]");
	}

	@Test
	void aFileWithoutAPackageIsShownWhole() {
		assertThat(SnippetSource.parse("A.java", "class A {\n}\n\n").whole()).containsExactly("class A {", "}");
	}

}
