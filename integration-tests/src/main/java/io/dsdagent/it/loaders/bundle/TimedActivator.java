package io.dsdagent.it.loaders.bundle;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Activator of the test bundle: calls {@link BundleWork} as many times as the launcher's framework
 * property {@code dsd.it.calls} says, through the method named by {@code dsd.it.framework}, and prints
 * the sum of what it returned and which loader defined it.
 */
public final class TimedActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        String framework = context.getProperty("dsd.it.framework");
        int calls = Integer.parseInt(context.getProperty("dsd.it.calls"));
        BundleWork work = new BundleWork();
        long sum = 0;
        for (int i = 0; i < calls; i++) {
            sum += framework.equals("felix") ? work.felix(i) : work.equinox(i);
        }
        System.out.println("bundle " + framework + " " + BundleWork.class.getClassLoader().getClass().getName()
                + " sum " + sum);
    }

    @Override
    public void stop(BundleContext context) {
        // nothing to release
    }
}
