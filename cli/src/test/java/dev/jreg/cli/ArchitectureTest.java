package dev.jreg.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The layering that docs/ARCHITECTURE.md describes, checked on the compiled classes of the library
 * and the CLI: the CLI speaks only the public API; the API's signatures name no internal type;
 * OkHttp stays in the transport, Bouncy Castle in one class, JSON set up in one place; the model
 * does no I/O; internal packages never reach back to the façade or across to each other's roles;
 * the sandbox stands alone but for the resolver of paths in a root, which stands alone too, and is
 * used by the build and the façade only.
 */
@AnalyzeClasses(packages = "dev.jreg", importOptions = {ImportOption.DoNotIncludeTests.class,
        ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
    /** Leaves out the library's test jar, which the CLI's tests run with. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    /** The packages a library user imports. */
    static final String[] API = {"dev.jreg", "dev.jreg.model", "dev.jreg.error", "dev.jreg.auth"};

    @ArchTest
    static final ArchRule theCliUsesOnlyTheApi = noClasses().that().resideInAPackage("dev.jreg.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.jreg.internal..")
            .because("commands are written against the library's public API, as any caller is");

    @ArchTest
    static final ArchRule theCliSpeaksNeitherHttpNorTheLibrarysJson = noClasses().that()
            .resideInAPackage("dev.jreg.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("okhttp3..", "okio..", "dev.jreg.internal.json..");

    @ArchTest
    static final ArchRule okHttpStaysInTheTransport = noClasses().that()
            .resideOutsideOfPackage("dev.jreg.internal.registry..")
            .should().dependOnClassesThat().resideInAnyPackage("okhttp3..", "okio..");

    @ArchTest
    static final ArchRule bouncyCastleIsLoadedForLegacyKeysOnly = noClasses().that()
            .doNotHaveFullyQualifiedName("dev.jreg.internal.registry.LegacyPemKeys")
            .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..");

    @ArchTest
    static final ArchRule jsonIsConfiguredOnce = noClasses().that()
            .doNotHaveFullyQualifiedName("dev.jreg.internal.json.Json")
            .and().doNotHaveFullyQualifiedName("dev.jreg.internal.json.Json$Yaml")
            .and().resideOutsideOfPackage("dev.jreg.cli..")
            .should().callCodeUnitWhere(DescribedPredicate.describe("a Jackson factory or mapper being built",
                    call -> (call.getTarget().getName().equals("<init>") || call.getTarget().getName().equals("builder"))
                            && (call.getTargetOwner().isAssignableTo("com.fasterxml.jackson.core.TokenStreamFactory")
                            || call.getTargetOwner().isAssignableTo("com.fasterxml.jackson.databind.ObjectMapper"))));

    @ArchTest
    static final ArchRule theModelDoesNoIo = noClasses().that().resideInAPackage("dev.jreg.model..")
            .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.net..", "okhttp3..",
                    "dev.jreg.internal.registry..", "dev.jreg.internal.layout..", "dev.jreg.internal.store..",
                    "dev.jreg.internal.copy..", "dev.jreg.auth..");

    @ArchTest
    static final ArchRule errorsStandAlone = noClasses().that().resideInAPackage("dev.jreg.error..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.jreg.internal..", "dev.jreg.auth..");

    @ArchTest
    static final ArchRule theLibraryNeverReachesTheCli = noClasses().that().resideOutsideOfPackage("dev.jreg.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.jreg.cli..");

    @ArchTest
    static final ArchRule internalsNeverReachBackToTheFacade = noClasses().that().resideInAPackage("dev.jreg.internal..")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.jreg.Jreg")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.jreg.ResolvedLocation")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.jreg.MirroredSource")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.jreg.LocalNames")
            .because("the façade composes the internals; they see only the API's values");

    @ArchTest
    static final ArchRule theTransportKnowsNoStore = noClasses().that().resideInAPackage("dev.jreg.internal.registry..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.jreg.internal.layout..", "dev.jreg.internal.copy..");

    @ArchTest
    static final ArchRule theStoreKnowsNoTransport = noClasses().that().resideInAPackage("dev.jreg.internal.layout..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.jreg.internal.registry..", "dev.jreg.internal.copy..");

    @ArchTest
    static final ArchRule theCopyEngineSeesOnlyRoles = noClasses().that().resideInAPackage("dev.jreg.internal.copy..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.jreg.internal.registry..", "dev.jreg.internal.layout..")
            .because("the copier works on ImageSource and ImageSink, whatever stores stand behind them");

    @ArchTest
    static final ArchRule theRolesKnowNoStore = noClasses().that().resideInAPackage("dev.jreg.internal.store..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.jreg.internal.registry..",
                    "dev.jreg.internal.layout..", "dev.jreg.internal.copy..");

    @ArchTest
    static final ArchRule archivesKnowNoTransportNorCopier = noClasses().that()
            .resideInAPackage("dev.jreg.internal.archive..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.jreg.internal.registry..", "dev.jreg.internal.copy..")
            .because("save reads images through an ImageSource, and load writes into the store's layout");

    @ArchTest
    static final ArchRule theSandboxStandsAlone = classes().that().resideInAPackage("dev.jreg.internal.sandbox..")
            .should().onlyDependOnClassesThat(JavaClass.Predicates.resideOutsideOfPackage("dev.jreg..")
                    .or(JavaClass.Predicates.resideInAnyPackage("dev.jreg.internal.sandbox..", "dev.jreg.internal.fs..",
                            "dev.jreg.error..")))
            .because("it runs a command in a directory, knowing nothing of images, stores or Dockerfiles");

    @ArchTest
    static final ArchRule pathsInARootStandAlone = classes().that().resideInAPackage("dev.jreg.internal.fs..")
            .should().onlyDependOnClassesThat(JavaClass.Predicates.resideOutsideOfPackage("dev.jreg..")
                    .or(JavaClass.Predicates.resideInAPackage("dev.jreg.internal.fs..")))
            .because("the layer engine, the build and the sandbox resolve paths through it alike");

    @ArchTest
    static final ArchRule onlyTheBuildAndTheFacadeUseTheSandbox = noClasses().that()
            .resideOutsideOfPackages("dev.jreg", "dev.jreg.internal.build..", "dev.jreg.internal.sandbox..")
            .should().dependOnClassesThat().resideInAPackage("dev.jreg.internal.sandbox..");

    @ArchTest
    static final ArchRule theBuildFrontEndStandsOnTheStoreAndLayersOnly = noClasses().that()
            .resideInAPackage("dev.jreg.internal.build..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.jreg", "dev.jreg.auth..", "dev.jreg.internal.registry..",
                    "dev.jreg.internal.copy..", "dev.jreg.internal.archive..")
            .because("a build reads the model, JSON, layers, the layout and the store's roles; the façade composes it");

    @ArchTest
    static final ArchRule onlyTheFacadeUsesTheBuild = noClasses().that()
            .resideOutsideOfPackages("dev.jreg", "dev.jreg.internal.build..")
            .should().dependOnClassesThat().resideInAPackage("dev.jreg.internal.build..");

    @ArchTest
    static final ArchRule theApiNamesNoInternalType = classes().that().resideInAnyPackage(API)
            .and(reachableFromOtherPackages()).should(exposeNoInternalType());

    /** Public, and so is every class it is nested in. */
    static DescribedPredicate<JavaClass> reachableFromOtherPackages() {
        return DescribedPredicate.describe("are reachable from other packages", type -> {
            for (JavaClass c = type; c != null; c = c.getEnclosingClass().orElse(null)) {
                if (!c.getModifiers().contains(JavaModifier.PUBLIC)) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Public members' parameter, return, thrown and field types, and supertypes, outside dev.jreg.internal. */
    static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("name no dev.jreg.internal type in a public signature") {
            @Override
            public void check(JavaClass owner, ConditionEvents events) {
                List<JavaType> named = new ArrayList<>();
                owner.getRawSuperclass().ifPresent(named::add);
                named.addAll(owner.getRawInterfaces());
                for (JavaMember member : owner.getMembers()) {
                    if (!member.getModifiers().contains(JavaModifier.PUBLIC)) {
                        continue;
                    }
                    if (member instanceof JavaField field) {
                        named.add(field.getType());
                    } else if (member instanceof JavaCodeUnit code) {
                        named.add(code.getReturnType());
                        named.addAll(code.getParameterTypes());
                        named.addAll(code.getThrowsClause().getTypes());
                    }
                }
                for (JavaType type : named) {
                    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
                        if (raw.getPackageName().startsWith("dev.jreg.internal")) {
                            events.add(SimpleConditionEvent.violated(owner,
                                    owner.getName() + " names internal " + raw.getName() + " in its public API"));
                        }
                    }
                }
            }
        };
    }
}
