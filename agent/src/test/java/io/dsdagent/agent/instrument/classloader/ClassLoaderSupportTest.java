package io.dsdagent.agent.instrument.classloader;

import io.dsdagent.agent.instrument.Resources;
import io.dsdagent.fixture.loaders.Delegation;
import io.dsdagent.fixture.loaders.HidingLoader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The loadClass shortcut answers names under its prefix from the boot loader before the loader's own
 * code, and leaves everything else, and a failed boot lookup, to that code. The prefix is a JDK package
 * here because in a unit test the bridge is not in the boot loader.
 */
class ClassLoaderSupportTest {
    private static final String NAME = HidingLoader.class.getName();

    /** {@link HidingLoader} with the shortcut for {@code prefix}, defined (and so verified) in a loader of its own. */
    private static ClassLoader hiding(String prefix) throws Exception {
        byte[] woven = ClassLoaderSupport.rewrite(Resources.classFile(HidingLoader.class.getClassLoader(),
                NAME.replace('.', '/')), prefix);
        Class<?> c = new ClassLoader(ClassLoaderSupportTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(NAME, woven, 0, woven.length);
            }
        }.define();
        return (ClassLoader) c.getConstructor().newInstance();
    }

    @Test
    void namesUnderThePrefixComeFromTheBootLoaderAlthoughTheLoaderHidesThem() throws Exception {
        ClassLoader l = hiding("java.util.");
        assertSame(java.util.List.class, l.loadClass("java.util.List"));
        assertSame(java.util.List.class, Class.forName("java.util.List", false, l));
    }

    @Test
    void everythingElseIsTheLoadersOwnAnswer() throws Exception {
        ClassLoader l = hiding("java.util.");
        assertSame(String.class, l.loadClass("java.lang.String"));
        assertThrows(ClassNotFoundException.class, () -> l.loadClass("io.dsdagent.fixture.loaders.Delegation"));
    }

    @Test
    void aFailedBootLookupFallsBackToTheLoadersOwnCode() throws Exception {
        ClassLoader l = hiding("io.dsdagent.fixture."); // not in the boot loader: Class.forName fails and is swallowed
        ClassNotFoundException e = assertThrows(ClassNotFoundException.class,
                () -> l.loadClass("io.dsdagent.fixture.loaders.Delegation"));
        assertEquals("io.dsdagent.fixture.loaders.Delegation is hidden", e.getMessage());
    }

    @Test
    void aClassWithoutLoadClassIsNotRewritten() throws Exception {
        assertNull(ClassLoaderSupport.rewrite(Resources.classFile(Delegation.class.getClassLoader(),
                Delegation.class.getName().replace('.', '/')), "java.util."));
    }
}
