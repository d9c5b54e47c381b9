package dev.delayqueue.store;

/**
 * Which workers deliver a job. A topic's jobs wait in one sorted set per lane, so a worker claims only jobs it can
 * deliver: the instance with the topic's local handler claims {@link #LOCAL} jobs, any instance running the HTTP
 * callback dispatcher claims {@link #HTTP} jobs. Both lanes share the topic's in-flight and dead sets, and an id is
 * unique across them.
 *
 * @since 0.1.0
 */
public enum Lane {

	/** Jobs without a callback, delivered to the topic's {@code @DelayedJobHandler}. */
	LOCAL("local"),

	/** Jobs with a callback, delivered over HTTP. */
	HTTP("http");

	private final String wireName;

	Lane(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * Returns the name used in scripts and wake messages.
	 * @return {@code local} or {@code http}
	 */
	public String wireName() {
		return this.wireName;
	}

	/**
	 * Returns the lane of a wire name.
	 * @param name {@code local} or {@code http}
	 * @return the lane; {@link #LOCAL} for anything but {@code http}
	 */
	public static Lane fromWireName(String name) {
		return "http".equals(name) ? HTTP : LOCAL;
	}

}
