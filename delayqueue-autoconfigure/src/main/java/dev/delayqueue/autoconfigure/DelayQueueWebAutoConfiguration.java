package dev.delayqueue.autoconfigure;

import java.time.Clock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.web.HttpQueueEndpoint;
import dev.delayqueue.web.JobEndpoint;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Auto-configuration of the HTTP endpoints in a Spring MVC application: {@code /job} when
 * {@code delayqueue.web.enabled=true}, httpqueue's {@code /create}, {@code /delete}, {@code /query} when
 * {@code delayqueue.web.httpqueue.enabled=true}. Both are off by default.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DelayQueueAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean(DelayQueue.class)
public final class DelayQueueWebAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(DelayQueueWebAutoConfiguration.class);

	private static final String SPRING_SECURITY = "org.springframework.security.web.SecurityFilterChain";

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("delayqueue.web.enabled")
	JobEndpoint delayQueueJobEndpoint(DelayQueue queue, DelayQueueProperties properties,
			ObjectProvider<DelayQueueClock> clock) {
		DelayQueueProperties.Web web = properties.getWeb();
		return new JobEndpoint(queue, web.getPath(), Math.toIntExact(web.getMaxRequestSize().toBytes()), token(web),
				DelayQueueAutoConfiguration.clock(clock));
	}

	@Bean
	@ConditionalOnBooleanProperty("delayqueue.web.enabled")
	RouterFunction<ServerResponse> delayQueueJobRoutes(JobEndpoint endpoint) {
		return endpoint.routes();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("delayqueue.web.httpqueue.enabled")
	HttpQueueEndpoint delayQueueHttpQueueEndpoint(DelayQueue queue, DelayQueueProperties properties,
			ObjectProvider<DelayQueueClock> clock) {
		DelayQueueProperties.Web web = properties.getWeb();
		return new HttpQueueEndpoint(queue, web.getHttpqueue().getPathPrefix(), web.getHttpqueue().getTopic(),
				Math.toIntExact(web.getMaxRequestSize().toBytes()), token(web),
				DelayQueueAutoConfiguration.clock(clock));
	}

	@Bean
	@ConditionalOnBooleanProperty("delayqueue.web.httpqueue.enabled")
	RouterFunction<ServerResponse> delayQueueHttpQueueRoutes(HttpQueueEndpoint endpoint) {
		return endpoint.routes();
	}

	/**
	 * Warns once at startup when an endpoint family is on and nothing limits who may schedule or where callbacks go:
	 * no token, no Spring Security, no allow-list, private networks allowed.
	 */
	@Bean
	@ConditionalOnExpression("${delayqueue.web.enabled:false} or ${delayqueue.web.httpqueue.enabled:false}")
	SmartInitializingSingleton delayQueueOpenServerWarning(DelayQueueProperties properties, BeanFactory beans) {
		return () -> {
			DelayQueueProperties.Http http = properties.getHttp();
			String token = properties.getWeb().getToken();
			// Spring Security guards only when its filter chain runs, not because its classes are there
			boolean secured = (token != null && !token.isEmpty()) || beans.containsBean("springSecurityFilterChain");
			boolean limited = http.isDenyPrivateNetworks()
					|| http.getAllowedHosts().stream().anyMatch((entry) -> !entry.trim().equals("*"));
			if (!secured && !limited) {
				logger.warn("delayqueue's HTTP endpoints are open: with no token (delayqueue.web.token), no Spring "
						+ "Security and no allow-list (delayqueue.http.allowed-hosts), anyone who can reach them can "
						+ "make this service call any address it can reach, loopback and private networks included "
						+ "(Redis's own port too); set delayqueue.http.deny-private-networks=true and a token, or "
						+ "an allow-list (docs/http-endpoints.md#security)");
			}
		};
	}

	private static @Nullable String token(DelayQueueProperties.Web web) {
		String token = web.getToken();
		if (token == null || token.isEmpty()) {
			return null;
		}
		if (ClassUtils.isPresent(SPRING_SECURITY, DelayQueueWebAutoConfiguration.class.getClassLoader())) {
			throw new SecretPropertyException("delayqueue.web.token",
					"Spring Security is on the classpath: secure the delayqueue endpoints with your SecurityFilterChain "
							+ "and remove delayqueue.web.token");
		}
		if (token.length() < 16) {
			throw new SecretPropertyException("delayqueue.web.token",
					"the token must be at least 16 characters");
		}
		return token;
	}

}
