package dev.delayqueue.handler;

import dev.delayqueue.DelayQueueException;

/**
 * A {@link DelayedJobHandler} method breaks a rule; thrown at startup so the application does not start with a
 * handler that would fail at its first job.
 *
 * @since 0.1.0
 */
public class HandlerDefinitionException extends DelayQueueException {

	private static final long serialVersionUID = 1L;

	private final String handler;

	private final String problem;

	private final String fix;

	/**
	 * Creates an exception.
	 * @param handler the bean and method, for example {@code orderJobs (com.example.OrderJobs.cancel(String))}
	 * @param problem what is wrong
	 * @param fix what to do about it
	 */
	public HandlerDefinitionException(String handler, String problem, String fix) {
		super("@DelayedJobHandler " + handler + ": " + problem + ". Fix: " + fix);
		this.handler = handler;
		this.problem = problem;
		this.fix = fix;
	}

	/**
	 * Returns the bean and method.
	 * @return the handler description
	 */
	public String handler() {
		return this.handler;
	}

	/**
	 * Returns what is wrong.
	 * @return the problem
	 */
	public String problem() {
		return this.problem;
	}

	/**
	 * Returns what to do about it.
	 * @return the fix
	 */
	public String fix() {
		return this.fix;
	}

}
