package dev.delayqueue.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceContextTests {

	@Test
	void entriesRoundTripAsLines() {
		Map<String, String> entries = new LinkedHashMap<>();
		entries.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		entries.put("tracestate", "congo=t61rcWkgMzE");
		String stored = TraceContext.encode(entries);
		assertThat(stored).isEqualTo("traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\n"
				+ "tracestate: congo=t61rcWkgMzE\n");
		assertThat(TraceContext.decode(stored)).containsExactlyEntriesOf(entries);
	}

	@Test
	void nothingIsStoredForNoEntriesTooManyBytesOrAnEntryThatIsNotALine() {
		assertThat(TraceContext.encode(Map.of())).isNull();
		assertThat(TraceContext.encode(Map.of("baggage", "x".repeat(TraceContext.MAX_LENGTH)))).isNull();
		assertThat(TraceContext.encode(Map.of("baggage", "a\nb: c"))).isNull();
		assertThat(TraceContext.encode(Map.of("a:b", "c"))).isNull();
		assertThat(TraceContext.decode(null)).isEmpty();
		assertThat(TraceContext.decode("not a line")).isEmpty();
	}

}
