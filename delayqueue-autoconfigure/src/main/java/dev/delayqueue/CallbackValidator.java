package dev.delayqueue;

/**
 * Decides whether a job may call a URL back, when the job is scheduled (so a refused URL is an
 * {@link InvalidJobException}, not a failure at the due time) and again before each call. The HTTP module's
 * host allow-list implements it.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CallbackValidator {

	/** Accepts every callback that passed {@link JobCallback}'s own rules. */
	CallbackValidator ACCEPT_ALL = (callback) -> {
	};

	/**
	 * Checks a callback.
	 * @param callback the callback
	 * @throws InvalidJobException naming {@code callback} when the URL is not allowed
	 */
	void check(JobCallback callback);

}
