package dev.delayqueue.docs.check;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PropertyNamesTests {

	private final PropertyNames names = new PropertyNames(Map.of("delayqueue.topics", "<topic>"));

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			delayqueue.worker.enabled                          | delayqueue.worker.enabled
			delayqueue.topics.<topic>.lease                    | delayqueue.topics.<topic>.lease
			delayqueue.topics.<name>.retry.max-attempts        | delayqueue.topics.<topic>.retry.max-attempts
			delayqueue.topics[order.created].lease             | delayqueue.topics.<topic>.lease
			delayqueue.topics[<topic>].lease                   | delayqueue.topics.<topic>.lease
			delayqueue.topics.order.lease                      | delayqueue.topics.<topic>.lease
			delayqueue.topics.order.created.lease              | delayqueue.topics.<topic>.created.lease
			delayqueue.topics.order                            | delayqueue.topics.<topic>
			delayqueue.topics                                  | delayqueue.topics
			delayqueue.topics.*                                | delayqueue.topics
			delayqueue.topics.<topic>.*                        | delayqueue.topics.<topic>
			delayqueue.http.*                                  | delayqueue.http
			delayqueue.http.allowed-hosts[0]                   | delayqueue.http.allowed-hosts
			delayqueue.topics[order].no-retry-for[1]           | delayqueue.topics.<topic>.no-retry-for
			""")
	void mapKeysBecomeThePlaceholder(String written, String normalized) {
		assertThat(this.names.normalize(written)).isEqualTo(normalized);
	}

}
