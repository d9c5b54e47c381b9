package dev.delayqueue.samples.secured;

import jakarta.servlet.DispatcherType;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application guarded by Spring Security that serves delayqueue's dashboard: the application's rules decide who
 * sees {@code /delayqueue} (here users with the role {@code OPS}), and Spring Security's CSRF protection, left on,
 * covers the dashboard's writes (the page sends the token it reads from the overview).
 */
@SpringBootApplication
public class SecuredDashboardApplication {

	public static void main(String[] args) {
		SpringApplication.run(SecuredDashboardApplication.class, args);
	}

	@Bean
	SecurityFilterChain security(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
			.permitAll()
			.requestMatchers("/delayqueue", "/delayqueue/**")
			.hasRole("OPS")
			.anyRequest()
			.authenticated()).httpBasic(Customizer.withDefaults());
		return http.build();
	}

	/** Two demo users; use your real user store. */
	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(
				User.withUsername("ops").password("{noop}ops-password").roles("OPS").build(),
				User.withUsername("viewer").password("{noop}viewer-password").roles("USER").build());
	}

	/** A topic whose jobs always fail, so the dashboard has dead jobs to show. */
	@DelayedJobHandler(topic = "report", maxAttempts = "1")
	void report(DelayedJob job) {
		throw new IllegalStateException("the report service is down");
	}

}
