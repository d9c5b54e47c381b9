package dev.delayqueue.docs.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command delayqueue's Lua scripts send is allowed by the ACL line of docs/redis.md ("A Redis user for
 * delayqueue"): a script calling a command the line leaves out fails under such a user, after whatever it wrote
 * before that call (the ACL fault scenario showed it: a completion script sending HMGET).
 */
class RedisAclLineTests {

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
		// every script and include the jar holds, so a script added later is checked too
		Resource[] scripts = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:dev/delayqueue/redis/**/*.lua");
		assertThat(scripts).as("scripts and includes").hasSizeGreaterThanOrEqualTo(17);
		Set<String> sent = new TreeSet<>();
		for (Resource script : scripts) {
			Matcher calls = CALL.matcher(script.getContentAsString(StandardCharsets.UTF_8));
			while (calls.find()) {
				sent.add(calls.group(1).toLowerCase(Locale.ROOT));
			}
		}
		assertThat(sent).as("commands the scripts send").isNotEmpty().contains("zadd", "hgetall");
		assertThat(allowed).as("commands the ACL line of docs/redis.md allows").containsAll(sent);
	}

}
