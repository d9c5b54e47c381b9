package dev.delayqueue.docs.check;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultValuesTests {

	@ParameterizedTest(name = "{0} and ''{1}'': {2}")
	@CsvSource(delimiter = '|', textBlock = """
			true          | true        | true
			true          | True        | true
			false         | no          | false
			2             | 2           | true
			2.0           | 2           | true
			2             | 2.0         | true
			0.1           | 0.10        | true
			100           | 1e2         | true
			100           | 100 jobs    | false
			'"30s"'       | 30s         | true
			'"30s"'       | 30 s        | false
			'"1MB"'       | 1mb         | false
			'"/job"'      | /job        | true
			'["a","b"]'   | a,b         | true
			'["a","b"]'   | a, b        | true
			'["a","b"]'   | b,a         | false
			'""'          | ''          | true
			'""'          | '""'        | true
			'""'          | *(the root)*| true
			'[]'          | ''          | true
			null          | ''          | true
			null          | *(none)*    | true
			null          | _(none)_    | true
			null          | none        | false
			null          | 0           | false
			""")
	void comparesThePageWithTheMetadata(String metadataJson, String cell, boolean matches) {
		JsonNode metadataDefault = JsonMapper.shared().readTree(metadataJson);
		assertThat(DefaultValues.matches(metadataDefault, cell)).isEqualTo(matches);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "*(none)*", "_none_" })
	void noDefaultAtAllTakesAnEmptyCellOrItalics(String cell) {
		assertThat(DefaultValues.matches(MissingNode.getInstance(), cell)).isTrue();
	}

}
