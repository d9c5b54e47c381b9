package dev.delayqueue.samples.server;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Serves the dashboard when a password is given ({@code --delayqueue.dashboard.password=...} or
 * {@code DELAYQUEUE_DASHBOARD_PASSWORD}), unless {@code delayqueue.dashboard.enabled} says otherwise: the server has
 * no Spring Security, so the dashboard's HTTP Basic needs a password, and the sample starts without one.
 */
class DashboardWhenPasswordGiven implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StringUtils.hasText(environment.getProperty("delayqueue.dashboard.password"))
				&& !environment.containsProperty("delayqueue.dashboard.enabled")) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("dashboardWhenPasswordGiven", Map.of("delayqueue.dashboard.enabled", "true")));
		}
	}

}
