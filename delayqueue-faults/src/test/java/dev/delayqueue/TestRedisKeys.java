package dev.delayqueue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Reads every key under a prefix and checks the layout's invariants (test scale: uses KEYS).
 */
public final class TestRedisKeys {

	private static final List<String> SETS = List.of("due", "due:http", "inflight", "dead");

	private TestRedisKeys() {
	}

	public static Set<String> jobKeys(StringRedisTemplate redis, String prefix) {
		return redis.keys(prefix + ":{*}:job:*");
	}

	/**
	 * Returns each problem found, by key: keys outside the layout, jobs in no set or in two, set members without a
	 * job, a state that disagrees with the set.
	 */
	public static Map<String, String> problems(StringRedisTemplate redis, String prefix) {
		Map<String, String> problems = new LinkedHashMap<>();
		Pattern topicKey = Pattern.compile(Pattern.quote(prefix) + ":\\{([^}]+)\\}:(due|due:http|inflight|dead|job:(.*))",
				Pattern.DOTALL);
		// each scenario has a Redis of its own: anything outside the layout under the prefix is a problem
		for (String key : redis.keys("*")) {
			if (key.equals(prefix + ":topics") || key.equals(prefix + ":topics:http")
					|| key.equals(prefix + ":partitions") || key.startsWith(prefix + ":{#instances}")
					|| key.startsWith(prefix + ":{#minutes}:")) {
				continue;
			}
			Matcher m = topicKey.matcher(key);
			if (!m.matches()) {
				problems.put(key, "not part of the layout");
				continue;
			}
			String topic = m.group(1);
			String base = prefix + ":{" + topic + "}:";
			if (m.group(3) != null) {
				String id = m.group(3);
				String state = (String) redis.opsForHash().get(key, "state");
				int in = 0;
				String where = null;
				for (String set : SETS) {
					if (redis.opsForZSet().score(base + set, id) != null) {
						in++;
						where = set;
					}
				}
				String expected = switch (String.valueOf(state)) {
					case "pending" -> (redis.opsForHash().hasKey(key, "cb_url")) ? "due:http" : "due";
					case "inflight" -> "inflight";
					case "dead" -> "dead";
					default -> "?";
				};
				if (in != 1 || !expected.equals(where)) {
					problems.put(key, "state " + state + " but in " + in + " sets (" + where + ")");
				}
			}
			else {
				for (String id : redis.opsForZSet().range(key, 0, -1)) {
					if (!Boolean.TRUE.equals(redis.hasKey(base + "job:" + id))) {
						problems.put(key + " " + id, "member without a job hash");
					}
				}
			}
		}
		return problems;
	}

}
