package io.dsdagent.agent.instrument;

/**
 * Transitional name of {@link InstrumentationModule}, kept only so that {@code Module.Matcher} in
 * {@code Weaver} (being split on another branch) still resolves; no module implements it. Delete it
 * once the weaver says {@code InstrumentationModule.Matcher}: the old name hid {@code java.lang.Module}.
 */
interface Module extends InstrumentationModule {
}
