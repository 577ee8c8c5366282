package io.dsdagent.agent.instrument.osgi;

import io.dsdagent.agent.instrument.LoaderVisibility;
import io.dsdagent.agent.instrument.Resources;
import io.dsdagent.fixture.loaders.Delegation;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rewritten boot-delegation decision says yes to the bridge package and leaves every other answer to the original. */
class OsgiSupportTest {
    private static final String NAME = Delegation.class.getName();

    /** The fixture rewritten for {@code method}, defined (and so verified) in a loader of its own. */
    private static Class<?> rewritten(String method) throws Exception {
        byte[] original = Resources.classFile(Delegation.class.getClassLoader(), NAME.replace('.', '/'));
        final byte[] woven = OsgiSupport.rewrite(original, method);
        return new ClassLoader(OsgiSupportTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(NAME, woven, 0, woven.length);
            }
        }.define();
    }

    private static Object ask(Method m, Object target, String pkg) throws Throwable {
        try {
            return m.invoke(target, pkg);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void instanceDecisionDelegatesTheBridgePackageAndKeepsItsOwnAnswers() throws Throwable {
        Class<?> c = rewritten("shouldBootDelegate");
        Object d = c.getConstructor(String.class).newInstance("org.acme.");
        Method m = c.getDeclaredMethod("shouldBootDelegate", String.class);
        m.setAccessible(true);
        assertEquals(true, ask(m, d, LoaderVisibility.BRIDGE_PACKAGE));
        assertEquals(true, ask(m, d, "org.acme.boot"));
        assertEquals(false, ask(m, d, "com.example"));
        assertEquals(false, ask(m, d, "io.dsdagent.agent"));
        assertThrows(NullPointerException.class, () -> ask(m, d, null), "a null reaches the original code as before");
    }

    @Test
    void staticDecisionDelegatesTheBridgePackageAndKeepsItsOwnAnswers() throws Throwable {
        Class<?> c = rewritten("isBootDelegationPackage");
        Method m = c.getDeclaredMethod("isBootDelegationPackage", String.class);
        m.setAccessible(true);
        assertEquals(true, ask(m, null, LoaderVisibility.BRIDGE_PACKAGE));
        assertEquals(true, ask(m, null, "javax.crypto"));
        assertEquals(false, ask(m, null, "com.example"));
    }

    @Test
    void aFrameworkWithoutTheDecisionMethodIsNotRewritten() throws Exception {
        byte[] original = Resources.classFile(Delegation.class.getClassLoader(), NAME.replace('.', '/'));
        assertNull(OsgiSupport.rewrite(original, "noSuchDecision"));
    }
}
