package dev.delayqueue.docs.check;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MeterTableTests {

	@Test
	void takesTheFirstCellOfTheRowsOfMeterTablesOnly() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				| meter | type |
				|---|---|
				| `delayqueue.delivery` | timer |
				| `delayqueue.worker.errors` | counter |

				| property | default |
				|---|---|
				| `delayqueue.worker.enabled` | `true` |
				""");
		assertThat(MeterTable.names(page)).containsExactly("delayqueue.delivery", "delayqueue.worker.errors");
	}

	@Test
	void aMeterTableNamePassesThePropertyCheck() {
		ConfigurationMetadata metadata = ConfigurationMetadata.parse(List.of("""
				{"properties": [{"name": "delayqueue.worker.enabled", "type": "java.lang.Boolean"}]}
				"""), getClass().getClassLoader());
		MarkdownPage page = MarkdownPage.parse("page.md", """
				| meter | type |
				|---|---|
				| `delayqueue.worker.errors` | counter |

				Count `delayqueue.worker.errors`, not `delayqueue.worker.mistakes`.
				""");
		assertThat(new PropertyMentions(metadata, MeterTable.names(page)).check(page))
			.containsExactly("page.md:5: delayqueue.worker.mistakes is no property of the configuration metadata "
					+ PropertyMentions.WRONG_EXAMPLE_HINT);
	}

}
