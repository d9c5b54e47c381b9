package dev.delayqueue.docs.gettingstarted;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the getting-started test runs: the order time-outs and the orders.
 */
@SpringBootApplication
class DocsApplication {

}
