package dev.delayqueue.docs.gettingstarted;

import java.time.Duration;

import org.springframework.stereotype.Service;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.handler.DelayedJobHandler;

@Service
record OrderTimeouts(DelayQueue delayQueue, Orders orders) {

	void orderPlaced(String orderId) {          // due in 30 minutes; no body: the id says it all
		delayQueue.schedule("order", orderId, null, Duration.ofMinutes(30));
	}

	void orderPaid(String orderId) { delayQueue.cancel("order", orderId); }

	@DelayedJobHandler(topic = "order")         // at the due time, on one instance, at least once
	void cancelIfUnpaid(DelayedJob job) { orders.cancelIfUnpaid(job.id()); }

}
