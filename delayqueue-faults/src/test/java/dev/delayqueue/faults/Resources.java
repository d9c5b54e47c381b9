package dev.delayqueue.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a scenario started (Redis servers, worker JVMs, clients, proxies), closed after it in reverse order whatever
 * happened, a failing close reported and the others still made. Register it as a field with
 * {@code @RegisterExtension}.
 */
final class Resources implements AfterEachCallback {

	private final List<AutoCloseable> started = new ArrayList<>();

	/** Closes a resource after the test, before those added earlier. */
	<T extends AutoCloseable> T add(T resource) {
		this.started.add(resource);
		return resource;
	}

	/** The worker JVMs added so far. */
	List<WorkerProcess> workers() {
		return this.started.stream()
			.filter(WorkerProcess.class::isInstance)
			.map(WorkerProcess.class::cast)
			.toList();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		List<AutoCloseable> reversed = new ArrayList<>(this.started);
		Collections.reverse(reversed);
		this.started.clear();
		for (AutoCloseable resource : reversed) {
			try {
				resource.close();
			}
			catch (Exception ex) {
				System.err.println("cleanup of " + resource + " failed: " + ex);
			}
		}
	}

}
