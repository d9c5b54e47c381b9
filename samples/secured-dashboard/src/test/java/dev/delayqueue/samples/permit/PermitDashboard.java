package dev.delayqueue.samples.permit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A mistake the dashboard must survive: a chain ahead of the application's that lets its paths through
 * unauthenticated. Outside the sample's package, so only the test that asks for it gets it.
 */
@Configuration(proxyBeanMethods = false)
public class PermitDashboard {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain dashboardLetThrough(HttpSecurity http) throws Exception {
		http.securityMatcher("/delayqueue/**").authorizeHttpRequests((requests) -> requests.anyRequest().permitAll());
		return http.build();
	}

}
