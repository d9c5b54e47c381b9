package dev.delayqueue.docs.check;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ConfigurationMetadataTests {

	private static final String METADATA = """
			{
			  "groups": [ { "name": "delayqueue.worker" } ],
			  "properties": [
			    { "name": "delayqueue.enabled", "type": "java.lang.Boolean", "defaultValue": true },
			    { "name": "delayqueue.worker.batch-size", "type": "java.lang.Integer", "defaultValue": 100 },
			    { "name": "delayqueue.http.allowed-hosts", "type": "java.util.List<java.lang.String>" },
			    { "name": "delayqueue.labels", "type": "java.util.Map<java.lang.String,java.lang.String>" },
			    { "name": "delayqueue.topics",
			      "type": "java.util.Map<java.lang.String,dev.delayqueue.autoconfigure.DelayQueueProperties$Topic>" },
			    { "name": "spring.data.redis.url", "type": "java.lang.String" }
			  ]
			}
			""";

	private final ConfigurationMetadata metadata = ConfigurationMetadata.parse(List.of(METADATA),
			getClass().getClassLoader());

	@Test
	void keepsTheDelayQueuePropertiesWithTheirDefaults() {
		assertThat(this.metadata.properties()).containsKeys("delayqueue.enabled", "delayqueue.worker.batch-size",
				"delayqueue.http.allowed-hosts", "delayqueue.labels")
			.doesNotContainKeys("spring.data.redis.url", "delayqueue.topics");
		assertThat(this.metadata.properties().get("delayqueue.worker.batch-size").defaultValue().asInt())
			.isEqualTo(100);
		assertThat(this.metadata.properties().get("delayqueue.http.allowed-hosts").hasDefault()).isFalse();
	}

	@Test
	void aMapOfTopicsStandsForEveryKeyOfATopicNestedOnesIncluded() {
		assertThat(this.metadata.maps()).containsExactly(Map.entry("delayqueue.topics", "<topic>"));
		assertThat(this.metadata.properties().keySet().stream().filter((name) -> name.startsWith("delayqueue.topics")))
			.containsExactlyInAnyOrder("delayqueue.topics.<topic>.concurrency", "delayqueue.topics.<topic>.prefetch",
					"delayqueue.topics.<topic>.lease", "delayqueue.topics.<topic>.no-retry-for",
					"delayqueue.topics.<topic>.partitions", "delayqueue.topics.<topic>.rate-limit",
					"delayqueue.topics.<topic>.retry.max-attempts",
					"delayqueue.topics.<topic>.retry.initial-interval", "delayqueue.topics.<topic>.retry.multiplier",
					"delayqueue.topics.<topic>.retry.max-interval", "delayqueue.topics.<topic>.retry.jitter");
	}

	@Test
	void beanPropertiesAreGetterAndSetterPairsInKebabCaseWithNestedTypesOfTheSamePackage() {
		assertThat(ConfigurationMetadata.beanProperties("x.", Settings.class)).extracting(MetadataProperty::name)
			.containsExactlyInAnyOrder("x.max-size", "x.nested.wait-time");
	}

	@Test
	void theFirstSegmentsAreThoseOfTheMetadata() {
		assertThat(this.metadata.firstSegments()).containsExactly("enabled", "http", "labels", "topics", "worker");
	}

	@Test
	void namesArePropertiesOrGroupsOfThem() {
		assertThat(this.metadata.isPropertyOrGroup("delayqueue.worker.batch-size")).isTrue();
		assertThat(this.metadata.isPropertyOrGroup("delayqueue.worker")).isTrue();
		assertThat(this.metadata.isPropertyOrGroup("delayqueue.topics")).isTrue();
		assertThat(this.metadata.isPropertyOrGroup("delayqueue.topics.<topic>.retry")).isTrue();
		assertThat(this.metadata.isPropertyOrGroup("delayqueue.work")).isFalse();
		assertThat(this.metadata.isPropertyOrGroup("delayqueue.worker.batch")).isFalse();
	}

	@Test
	void aMapValueTypeMissingFromTheClasspathFails() {
		String metadata = """
				{ "properties": [ { "name": "delayqueue.things",
				  "type": "java.util.Map<java.lang.String,dev.delayqueue.Nope>" } ] }
				""";
		assertThatIllegalStateException()
			.isThrownBy(() -> ConfigurationMetadata.parse(List.of(metadata), getClass().getClassLoader()))
			.withMessageContaining("dev.delayqueue.Nope");
	}

	@Test
	void loadsTheMetadataOfTheJarsOnTheClasspath() {
		ConfigurationMetadata classpath = ConfigurationMetadata.load(getClass().getClassLoader());
		assertThat(classpath.properties()).containsKeys("delayqueue.worker.enabled",
				"delayqueue.topics.<topic>.retry.max-attempts")
			.allSatisfy((name, property) -> assertThat(name).startsWith("delayqueue."));
	}

	@Test
	void camelCaseBecomesKebabCase() {
		assertThat(ConfigurationMetadata.dashed("maxConcurrencyPerHost")).isEqualTo("max-concurrency-per-host");
		assertThat(ConfigurationMetadata.dashed("lease")).isEqualTo("lease");
	}

	/**
	 * A settings type as {@code DelayQueueProperties} writes them.
	 */
	static class Settings {

		private int maxSize;

		private final Nested nested = new Nested();

		public int getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(int maxSize) {
			this.maxSize = maxSize;
		}

		public Nested getNested() {
			return this.nested;
		}

		public String getReadOnly() {
			return "";
		}

	}

	/**
	 * A nested group of {@link Settings}.
	 */
	static class Nested {

		private long waitTime;

		public long getWaitTime() {
			return this.waitTime;
		}

		public void setWaitTime(long waitTime) {
			this.waitTime = waitTime;
		}

	}

}
