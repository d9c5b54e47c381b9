package dev.delayqueue.store;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.delayqueue.JobCallback;
import dev.delayqueue.SuccessContract;

/**
 * A {@link JobCallback} as a map for JSON text the store keeps (a recurring job's definition, an outbox row):
 * {@code url}, {@code method}, {@code headers}, {@code success} (the wire name), in that order.
 *
 * @since 0.2.0
 */
public final class CallbackMaps {

	private CallbackMaps() {
	}

	/**
	 * Returns a callback as a map.
	 * @param callback the callback
	 * @return the map, its keys in a fixed order
	 */
	public static Map<String, Object> write(JobCallback callback) {
		Map<String, Object> stored = new LinkedHashMap<>();
		stored.put("url", callback.url().toString());
		stored.put("method", callback.method());
		stored.put("headers", new LinkedHashMap<>(callback.headers()));
		stored.put("success", callback.success().wireName());
		return stored;
	}

	/**
	 * Reads a callback written by {@link #write}, checking it as any callback is.
	 * @param stored the map
	 * @return the callback
	 * @throws dev.delayqueue.InvalidJobException when a field breaks a rule
	 * @throws ClassCastException when a field has the wrong type
	 */
	@SuppressWarnings("unchecked")
	public static JobCallback read(Map<?, ?> stored) {
		Object headers = stored.get("headers");
		return new JobCallback(JobCallback.parseUrl((String) stored.get("url")), (String) stored.get("method"),
				(headers != null) ? (Map<String, String>) headers : Map.of(),
				SuccessContract.fromWireName("callback.success", (String) stored.get("success")));
	}

}
