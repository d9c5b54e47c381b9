package dev.delayqueue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine stays apart from the glue: only the autoconfigure package may use Spring Boot; packages are free of
 * cycles; the root package is a leaf API; the worker reaches the store only through its interface.
 */
class ArchitectureTests {

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.delayqueue");

	@Test
	void engineDoesNotDependOnSpringBoot() {
		noClasses().that()
			.resideOutsideOfPackages("dev.delayqueue.autoconfigure..", "dev.delayqueue.embedded..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..")
			.check(this.classes);
	}

	@Test
	void engineDoesNotDependOnTheAutoConfiguration() {
		noClasses().that()
			.resideOutsideOfPackage("dev.delayqueue.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.delayqueue.autoconfigure..")
			.check(this.classes);
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("dev.delayqueue.(*)..").should().beFreeOfCycles().check(this.classes);
	}

	@Test
	void rootPackageIsALeafApi() {
		noClasses().that()
			.resideInAPackage("dev.delayqueue")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.delayqueue.*..")
			.check(this.classes);
	}

	@Test
	void workerDependsOnTheStoreInterfaceNotOnRedis() {
		noClasses().that()
			.resideInAnyPackage("dev.delayqueue.worker..", "dev.delayqueue.store..", "dev.delayqueue.handler..",
					"dev.delayqueue.http..", "dev.delayqueue.web..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.delayqueue.redis..")
			.check(this.classes);
	}

}
