package io.dsdagent.agent.instrument;

import io.dsdagent.agent.config.TimedMethodsSetting;
import io.dsdagent.agent.instrument.annotation.MethodRules;
import io.dsdagent.agent.instrument.annotation.MethodTable;
import io.dsdagent.agent.instrument.annotation.MethodsModule;
import io.dsdagent.agent.record.Recorder;
import io.dsdagent.agent.record.Registry;
import io.dsdagent.agent.telemetry.Telemetry;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The warm-up thread's rehearsal ({@link Weaver#rehearse}): it must run every kind of advice through the
 * weaver, give a class the JVM accepts, and leave the modules' matchers with nothing recorded.
 */
class RehearsalTest {
    /** The bridge methods each method of the woven sample calls, by method name. */
    private static Map<String, List<String>> bridgeCalls(byte[] classFile) {
        Map<String, List<String>> calls = new TreeMap<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                List<String> list = new ArrayList<>();
                calls.put(name, list);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String mName, String mDesc, boolean itf) {
                        if (owner.equals(Weaver.BRIDGE)) {
                            list.add(mName);
                        }
                    }
                };
            }
        }, 0);
        return calls;
    }

    @Test
    void theRehearsalWeavesEveryKindOfAdviceIntoAClassTheJvmAccepts() throws Exception {
        byte[] woven = new Weaver(List.of()).rehearse();
        assertNotNull(woven);
        Map<String, List<String>> calls = bridgeCalls(woven);
        // the exit call once per way out: each return and the handler for what is thrown
        assertEquals(List.of("hookEnter", "hookExit", "hookExit"), calls.get("call"));
        assertEquals(List.of("methodTimed", "methodTimed"), calls.get("timed"));
        assertEquals(List.of("methodStage", "methodStage"), calls.get("stage"));
        assertEquals(List.of("stub"), calls.get("stub"));
        assertEquals(List.of("httpHandedOff"), calls.get("handedOff"));
        assertEquals(List.of(), calls.get("<init>"));
        // the JVM verifies it when the class links: a bad frame or stack would throw here
        Class<?> c = new ClassLoader(RehearsalTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(Weaver.REHEARSAL, woven, 0, woven.length);
            }
        }.define();
        assertEquals(c, Class.forName(Weaver.REHEARSAL, true, c.getClassLoader()));
    }

    @Test
    void theAnnotationModulesMatcherRecordsNothingForTheSample() throws Exception {
        Telemetry telemetry = new Telemetry();
        Registry registry = new Registry(100, 1, List.of(), telemetry);
        MethodTable table = new MethodTable(registry, new Recorder(registry, telemetry, 1, 4096), telemetry);
        MethodRules rules = new MethodRules(true, true, TimedMethodsSetting.parse(""), Registry.TIMER);
        new Weaver(List.of(MethodsModule.matcher(rules, table))).rehearse();
        assertEquals(0, table.size());
    }
}
