package io.dsdagent.agent.instrument.annotation;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;

/**
 * Binds {@link MethodId} parameters: at transform time, works out the method's {@link MethodPlan}, gets
 * its id from the {@link MethodTable} and writes it as a constant, so the advice looks nothing up per call.
 */
final class MethodIdMapping implements Advice.OffsetMapping.Factory<MethodId> {
    private final MethodRules rules;
    private final MethodTable table;

    MethodIdMapping(MethodRules rules, MethodTable table) {
        this.rules = rules;
        this.table = table;
    }

    @Override
    public Class<MethodId> getAnnotationType() {
        return MethodId.class;
    }

    @Override
    public Advice.OffsetMapping make(ParameterDescription.InDefinedShape target,
                                     AnnotationDescription.Loadable<MethodId> annotation, AdviceType adviceType) {
        if (!target.getType().represents(int.class)) {
            throw new IllegalStateException("@MethodId must annotate an int parameter: " + target);
        }
        return new Advice.OffsetMapping() {
            @Override
            public Target resolve(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                                  Assigner assigner, Advice.ArgumentHandler argumentHandler, Sort sort) {
                MethodPlan plan = rules.plan(instrumentedType, instrumentedMethod);
                int id = plan == null ? -1 : table.idFor(plan);
                return new Target.ForStackManipulation(IntegerConstant.forValue(id));
            }
        };
    }
}
