package dev.delayqueue.test;

/**
 * {@link DelayQueueTestKitTests} again, in the context Spring's cache kept from it (and paused while another ran):
 * its worker runs on, and time goes on from where those tests left it.
 */
class DelayQueueTestKitReusedContextTests extends DelayQueueTestKitTests {

}
