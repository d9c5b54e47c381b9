package dev.delayqueue.autoconfigure;

import java.time.Clock;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.dashboard.DashboardEndpoint;
import dev.delayqueue.dashboard.DashboardRecorder;
import dev.delayqueue.store.JobStore;
import dev.delayqueue.worker.JobWorker;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Auto-configuration of the dashboard: the per-minute counters every instance with a worker adds to (unless
 * {@code delayqueue.dashboard.record=false}), and the page in a Spring MVC application when
 * {@code delayqueue.dashboard.enabled=true}, guarded by HTTP Basic with {@code delayqueue.dashboard.password}
 * unless Spring Security's filter chain guards the application (then the application's rules apply, and the page
 * still refuses a request that reaches it unauthenticated).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DelayQueueAutoConfiguration.class,
		afterName = { "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@ConditionalOnBean(JobStore.class)
public final class DelayQueueDashboardAutoConfiguration {

	/** The bean of Spring Security's filter chain proxy: present when web security is on in the application. */
	private static final String SPRING_SECURITY_FILTER_CHAIN = "springSecurityFilterChain";

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(JobWorker.class)
	@ConditionalOnBooleanProperty(name = "delayqueue.dashboard.record", matchIfMissing = true)
	DashboardRecorder delayQueueDashboardRecorder(JobStore store, ObjectProvider<DelayQueueClock> clock) {
		return new DashboardRecorder(store, DelayQueueAutoConfiguration.clock(clock));
	}

	/**
	 * The page, in a Spring MVC application.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(RouterFunction.class)
	@ConditionalOnBean(DelayQueue.class)
	@ConditionalOnBooleanProperty("delayqueue.dashboard.enabled")
	static final class PageConfiguration {

		@Bean
		RouterFunction<ServerResponse> delayQueueDashboardRoutes(DashboardEndpoint dashboard) {
			return dashboard.routes();
		}

		/**
		 * Without Spring Security's filter chain: HTTP Basic with the configured credentials, which must be given.
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnMissingBean(name = SPRING_SECURITY_FILTER_CHAIN)
		static final class BasicConfiguration {

			@Bean
			@ConditionalOnMissingBean
			DashboardEndpoint delayQueueDashboard(DelayQueue queue, JobStore store, DelayQueueProperties properties,
					ObjectProvider<DelayQueueClock> clock) {
				DelayQueueProperties.Dashboard dashboard = properties.getDashboard();
				String password = dashboard.getPassword();
				if (password == null || password.isEmpty()) {
					throw new InvalidConfigurationPropertyValueException("delayqueue.dashboard.password", null,
							"delayqueue.dashboard.enabled=true needs a password for HTTP Basic (user '"
									+ dashboard.getUsername() + "'), or Spring Security's filter chain to guard "
									+ dashboard.getPath() + " with the application's rules");
				}
				DashboardEndpoint.Credentials credentials;
				try {
					credentials = new DashboardEndpoint.Credentials(dashboard.getUsername(), password);
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidConfigurationPropertyValueException("delayqueue.dashboard.username",
							dashboard.getUsername(), ex.getMessage());
				}
				return endpoint(queue, store, dashboard, clock, credentials);
			}

		}

		/**
		 * With Spring Security's filter chain: the application's rules guard the page.
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnBean(name = SPRING_SECURITY_FILTER_CHAIN)
		static final class SecuredConfiguration {

			@Bean
			@ConditionalOnMissingBean
			DashboardEndpoint delayQueueDashboard(DelayQueue queue, JobStore store, DelayQueueProperties properties,
					ObjectProvider<DelayQueueClock> clock) {
				DelayQueueProperties.Dashboard dashboard = properties.getDashboard();
				if (dashboard.getPassword() != null && !dashboard.getPassword().isEmpty()) {
					throw new SecretPropertyException("delayqueue.dashboard.password",
							"Spring Security guards the application: guard " + dashboard.getPath()
									+ " with your SecurityFilterChain and remove delayqueue.dashboard.password");
				}
				return endpoint(queue, store, dashboard, clock, null);
			}

		}

		private static DashboardEndpoint endpoint(DelayQueue queue, JobStore store,
				DelayQueueProperties.Dashboard dashboard, ObjectProvider<DelayQueueClock> clock,
				DashboardEndpoint.@Nullable Credentials credentials) {
			try {
				return new DashboardEndpoint(queue, store, DelayQueueAutoConfiguration.clock(clock), dashboard.getPath(),
						credentials);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("delayqueue.dashboard.path", dashboard.getPath(),
						ex.getMessage());
			}
		}

	}

}
