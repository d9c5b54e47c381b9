package dev.delayqueue.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.StreamUtils;

/**
 * Reads the store's Lua scripts ({@code dev/delayqueue/redis/<name>.lua}). A script names the shared pieces it uses
 * in its header, in a line {@code -- include: jobs, lanes}; each piece ({@code include/<piece>.lua}) is joined in
 * front of the script, in that order, so Redis receives one self-contained text.
 */
final class LuaScripts {

	static final String INCLUDE_LINE = "-- include:";

	private LuaScripts() {
	}

	/**
	 * Reads a script and its includes.
	 * @param name the script's file name without {@code .lua}
	 * @param resultType the type the script's reply is converted to
	 * @return the script
	 * @throws UncheckedIOException when the script or one of its includes cannot be read
	 */
	static <T> RedisScript<T> load(String name, Class<T> resultType) {
		return RedisScript.of(source(name), resultType);
	}

	/**
	 * Returns the text Redis runs for a script: its includes, then the script itself.
	 * @param name the script's file name without {@code .lua}
	 * @return the text
	 */
	static String source(String name) {
		String script = read(name + ".lua");
		StringBuilder source = new StringBuilder();
		for (String include : includes(script)) {
			source.append(read("include/" + include + ".lua")).append('\n');
		}
		return source.append(script).toString();
	}

	/**
	 * Returns the includes a script names in its header (the comment lines it starts with).
	 * @param script the script's own text
	 * @return the names, in order
	 */
	static List<String> includes(String script) {
		return script.lines()
			.takeWhile((line) -> line.startsWith("--"))
			.filter((line) -> line.startsWith(INCLUDE_LINE))
			.findFirst()
			.map((line) -> Arrays.stream(line.substring(INCLUDE_LINE.length()).split(","))
				.map(String::trim)
				.filter((include) -> !include.isEmpty())
				.toList())
			.orElse(List.of());
	}

	static String read(String path) {
		ClassPathResource resource = new ClassPathResource(path, LuaScripts.class);
		try (InputStream in = resource.getInputStream()) {
			return StreamUtils.copyToString(in, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read Lua script " + resource.getPath(), ex);
		}
	}

}
