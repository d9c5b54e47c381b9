package dev.delayqueue.docs.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command delayqueue's Lua scripts send is allowed by the ACL line of docs/redis.md ("A Redis user for
 * delayqueue"): a script calling a command the line leaves out fails under such a user, after whatever it wrote
 * before that call (the ACL fault scenario showed it: a completion script sending HMGET).
 */
class RedisAclLineTests {

	private static final List<String> SCRIPTS = List.of("cancel", "claim", "complete", "drop-occurrence", "extend",
			"fail", "occurrence", "purge", "recur", "reschedule", "schedule-once", "schedule", "include/announce",
			"include/jobs", "include/lanes", "include/pending", "include/sets");

	private static final Pattern CALL = Pattern.compile("redis\\.p?call\\(\\s*'([A-Za-z]+)'");

	private final DocsTree tree = DocsTree.fromSystemProperties();

	@Test
	void theAclLineAllowsEveryCommandTheScriptsSend() throws IOException {
		String page = DocsTree.readString(this.tree.docsDir().resolve("redis.md"));
		String line = page.lines().filter((l) -> l.startsWith("ACL SETUSER delayqueue")).findFirst().orElseThrow();
		Set<String> allowed = new TreeSet<>();
		for (String word : line.split(" ")) {
			if (word.startsWith("+") && !word.startsWith("+@")) {
				allowed.add(word.substring(1).toLowerCase(Locale.ROOT));
			}
		}
		Set<String> sent = new TreeSet<>();
		for (String script : SCRIPTS) {
			Matcher calls = CALL.matcher(lua(script));
			while (calls.find()) {
				sent.add(calls.group(1).toLowerCase(Locale.ROOT));
			}
		}
		assertThat(sent).as("commands the scripts send").isNotEmpty().contains("zadd", "hgetall");
		assertThat(allowed).as("commands the ACL line of docs/redis.md allows").containsAll(sent);
	}

	private static String lua(String name) throws IOException {
		try (InputStream in = RedisAclLineTests.class.getResourceAsStream("/dev/delayqueue/redis/" + name + ".lua")) {
			assertThat(in).as("script " + name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
