package io.basalt.target.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The conformance counts are only as good as the reading of CUnit's output. */
class ConformanceParseTest {
    @Test
    void passesFailuresSkipsAndExpectedFailureLogsAreToldApart() {
        String out = String.join("\n",
                "Suite: Reserve6",
                "  Test: Simple ...passed",
                "  Test: LUNReset ...    [FAILED] RESERVE6 command: failed with sense. SENSE KEY:UNIT_ATTENTION(6)",
                "passed    [FAILED] PRIN command: failed with sense.",
                "  Test: Broken ...FAILED",
                "    1. test_x.c:10  - CU_ASSERT_EQUAL(a,b)",
                "  Test: NotThere ...    [SKIPPED] EXTENDEDCOPY is not implemented.",
                "    [SKIPPED] EXTENDEDCOPY is not implemented.",
                "passed",
                "  Test: Hung ...",
                "",
                "Run Summary:    Type  Total    Ran Passed Failed Inactive");
        Map<String, ConformanceTest.Outcome> r = ConformanceTest.parse("SCSI.Reserve6", out);
        assertEquals(ConformanceTest.Outcome.PASSED, r.get("SCSI.Reserve6.Simple"));
        assertEquals(ConformanceTest.Outcome.PASSED, r.get("SCSI.Reserve6.LUNReset"));
        assertEquals(ConformanceTest.Outcome.FAILED, r.get("SCSI.Reserve6.Broken"));
        assertEquals(ConformanceTest.Outcome.SKIPPED, r.get("SCSI.Reserve6.NotThere"));
        assertEquals(ConformanceTest.Outcome.FAILED, r.get("SCSI.Reserve6.Hung"), "no result seen counts as a failure");
        assertEquals(5, r.size());
    }
}
