package dev.delayqueue.benchmarks;

import java.lang.management.ManagementFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;

/**
 * An otherwise empty Spring Boot application: prints the milliseconds from JVM start to
 * {@code ApplicationReadyEvent} and exits.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class StartupProbe {

	static final String READY = "STARTUP-READY-MS ";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(StartupProbe.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addListeners((ApplicationReadyEvent event) -> {
			long millis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
			System.out.println(READY + millis);
			event.getApplicationContext().close();
		});
		application.run(args);
		System.exit(0);
	}

}
