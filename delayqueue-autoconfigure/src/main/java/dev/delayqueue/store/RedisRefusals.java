package dev.delayqueue.store;

import org.jspecify.annotations.Nullable;

/**
 * Recognises Redis's refusals that do not heal by themselves, in an exception or any of its causes.
 *
 * @since 0.1.0
 */
public final class RedisRefusals {

	private RedisRefusals() {
	}

	/**
	 * Returns whether Redis's ACL refused a command: {@code NOPERM} for a command sent, "can't run this command" for
	 * one a script called.
	 * @param ex what the client threw
	 * @return the message of the refusal, or {@code null} when {@code ex} is not one
	 */
	public static @Nullable String permission(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			String message = cause.getMessage();
			if (message != null && (message.contains("NOPERM") || message.contains("can't run this command"))) {
				return message.trim();
			}
		}
		return null;
	}

}
