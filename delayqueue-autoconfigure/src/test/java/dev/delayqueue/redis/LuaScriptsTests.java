package dev.delayqueue.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.delayqueue.JobState;
import dev.delayqueue.TestRedis;
import dev.delayqueue.store.ClaimedJob;
import dev.delayqueue.store.Lane;
import dev.delayqueue.store.StoredJob;
import dev.delayqueue.store.TopicPartition;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every script in {@code dev/delayqueue/redis}: the shared header and key order, the includes it names, and that Redis
 * compiles what the loader joins.
 */
class LuaScriptsTests {

	private static final String KEYS_LINE = "-- KEYS[1] due zset (local handlers), KEYS[2] due zset (HTTP callbacks), "
			+ "KEYS[3] in-flight zset, KEYS[4] dead zset,";

	private static final String KEY_NAMES = "local dueKey, httpDueKey, inflightKey, deadKey = KEYS[1], KEYS[2], "
			+ "KEYS[3], KEYS[4]";

	private static final Pattern FUNCTION = Pattern.compile("^local function (\\w+)\\(", Pattern.MULTILINE);

	private static final Pattern CALL = Pattern.compile("\\b(\\w+)\\(");

	private static final TopicPartition ORDER = TopicPartition.first("order");

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedis.connectionFactory();
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Test
	void aMalformedJobInAScheduleBatchFailsTheCallBeforeAnyJobIsWritten() {
		JobKeys keys = new JobKeys(TestRedis.uniquePrefix());
		List<String> scriptKeys = scriptKeys(keys, "good", "bad");
		List<String> args = List.of(keys.wakeChannel(), "PUBLISH", "order", "0", "1000", "replace", "2", "good", "2000",
				"local", "0", "bad", "2000", "nowhere", "0");
		assertThatException().isThrownBy(() -> eval("schedule", scriptKeys, args));
		assertThat(new StringRedisTemplate(connectionFactory).keys(keys.prefix() + "*")).isEmpty();
	}

	@Test
	void aScheduleGivenFewerJobKeysThanJobsFailsBeforeAnyJobIsWritten() {
		JobKeys keys = new JobKeys(TestRedis.uniquePrefix());
		List<String> scriptKeys = scriptKeys(keys, "a");
		List<String> args = List.of(keys.wakeChannel(), "PUBLISH", "order", "0", "1000", "replace", "2", "a", "2000",
				"local", "0", "b", "2000", "local", "0");
		assertThatException().isThrownBy(() -> eval("schedule", scriptKeys, args))
			.withStackTraceContaining("expected 6 keys");
		assertThat(new StringRedisTemplate(connectionFactory).keys(keys.prefix() + "*")).isEmpty();
	}

	@Test
	void aMalformedOutcomeFailsTheCallBeforeAnyJobIsChanged() {
		JobKeys keys = new JobKeys(TestRedis.uniquePrefix());
		RedisJobStore store = new RedisJobStore(new StringRedisTemplate(connectionFactory), keys);
		store.schedule("order", List.of(new StoredJob("a", 1_000, "{}", null)), false, 1_000);
		ClaimedJob claimed = store.claim(ORDER, Lane.LOCAL, 1_000, 10, 10_000, "w").jobs().get(0);
		List<String> args = List.of(keys.wakeChannel(), "PUBLISH", "order", "0", "1000", "local", "a", claimed.token(),
				"-1", "0", "x", "a", claimed.token(), "soon", "0", "x");
		assertThatException().isThrownBy(() -> eval("fail", scriptKeys(keys, "a", "a"), args));
		assertThat(store.get("order", "a").orElseThrow().state()).isEqualTo(JobState.IN_FLIGHT);
	}

	private static List<String> scriptKeys(JobKeys keys, String... ids) {
		List<String> scriptKeys = new ArrayList<>(keys.sets(ORDER));
		for (String id : ids) {
			scriptKeys.add(keys.job(ORDER, id));
		}
		return scriptKeys;
	}

	private static void eval(String script, List<String> keys, List<String> args) {
		byte[][] raw = Stream.concat(keys.stream(), args.stream())
			.map((value) -> value.getBytes(StandardCharsets.UTF_8))
			.toArray(byte[][]::new);
		try (RedisConnection connection = connectionFactory.getConnection()) {
			connection.scriptingCommands()
				.eval(LuaScripts.source(script).getBytes(StandardCharsets.UTF_8), ReturnType.MULTI, keys.size(), raw);
		}
	}

	static List<String> scripts() throws IOException {
		return names("classpath*:dev/delayqueue/redis/*.lua");
	}

	private static List<String> names(String pattern) throws IOException {
		Resource[] resources = new PathMatchingResourcePatternResolver().getResources(pattern);
		return Arrays.stream(resources)
			.map((resource) -> resource.getFilename().substring(0, resource.getFilename().length() - ".lua".length()))
			.sorted()
			.toList();
	}

	@Test
	void theFolderHoldsOneScriptPerOperationOfTheStore() throws IOException {
		assertThat(scripts()).containsExactly("cancel", "claim", "complete", "drop-occurrence", "extend", "fail",
				"occurrence", "purge", "recur", "reschedule", "schedule", "schedule-once");
		assertThat(names("classpath*:dev/delayqueue/redis/include/*.lua")).containsExactly("announce", "jobs", "lanes",
				"pending", "sets");
	}

	@ParameterizedTest
	@MethodSource("scripts")
	void theHeaderListsTheSharedKeysTheJobHashesAndTheIncludesThenTheKeysAreNamed(String name) {
		String script = LuaScripts.read(name + ".lua");
		List<String> header = script.lines().takeWhile((line) -> line.startsWith("--")).toList();
		int keysLine = header.indexOf(KEYS_LINE);
		assertThat(keysLine).isNotNegative();
		assertThat(header.get(keysLine + 1)).contains("hash");
		assertThat(header).anyMatch((line) -> line.startsWith("-- Returns "));
		assertThat(header.get(header.size() - 1)).startsWith(LuaScripts.INCLUDE_LINE);
		assertThat(script.lines().skip(header.size()).findFirst()).contains(KEY_NAMES);
	}

	@ParameterizedTest
	@MethodSource("scripts")
	void aScriptIncludesExactlyTheSharedPiecesItCalls(String name) throws IOException {
		Map<String, String> includeOfFunction = new HashMap<>();
		for (String include : names("classpath*:dev/delayqueue/redis/include/*.lua")) {
			Matcher function = FUNCTION.matcher(LuaScripts.read("include/" + include + ".lua"));
			while (function.find()) {
				includeOfFunction.put(function.group(1), include);
			}
		}
		String script = LuaScripts.read(name + ".lua");
		Set<String> called = new LinkedHashSet<>();
		script.lines().filter((line) -> !line.trim().startsWith("--")).forEach((line) -> {
			Matcher call = CALL.matcher(line);
			while (call.find()) {
				if (includeOfFunction.containsKey(call.group(1))) {
					called.add(includeOfFunction.get(call.group(1)));
				}
			}
		});
		assertThat(LuaScripts.includes(script)).containsExactlyInAnyOrderElementsOf(called);
	}

	@ParameterizedTest
	@MethodSource("scripts")
	void redisCompilesTheScriptWithItsIncludes(String name) {
		String source = LuaScripts.source(name);
		for (String include : LuaScripts.includes(LuaScripts.read(name + ".lua"))) {
			assertThat(source).contains(LuaScripts.read("include/" + include + ".lua"));
		}
		try (RedisConnection connection = connectionFactory.getConnection()) {
			String sha = connection.scriptingCommands().scriptLoad(source.getBytes(StandardCharsets.UTF_8));
			assertThat(sha).isEqualTo(LuaScripts.load(name, Object.class).getSha1());
		}
	}

}
