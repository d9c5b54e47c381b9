package dev.delayqueue;

/**
 * A write reached the Redis master but not, within {@code delayqueue.redis.wait-timeout}, the number of replicas
 * {@code delayqueue.redis.wait-for-replicas} asks for. The outcome is unknown: the write stands unless the master
 * fails before a replica has it. Doing the same again is safe: scheduling with the same topic and id replaces the
 * job, cancelling a cancelled job finds nothing.
 *
 * @since 0.1.0
 */
public class DelayQueueNotReplicatedException extends DelayQueueUnavailableException {

	private static final long serialVersionUID = 1L;

	private final int required;

	private final long acknowledged;

	/**
	 * Creates an exception.
	 * @param message what was not replicated in time
	 * @param required how many replicas had to acknowledge the write
	 * @param acknowledged how many did
	 */
	public DelayQueueNotReplicatedException(String message, int required, long acknowledged) {
		super(message);
		this.required = required;
		this.acknowledged = acknowledged;
	}

	/**
	 * Returns how many replicas had to acknowledge the write.
	 * @return the replicas asked for
	 */
	public int required() {
		return this.required;
	}

	/**
	 * Returns how many replicas acknowledged the write in time.
	 * @return the replicas that did
	 */
	public long acknowledged() {
		return this.acknowledged;
	}

}
