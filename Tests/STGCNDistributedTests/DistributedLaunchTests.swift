import STGCNDistributed
import XCTest

/// Which environments start MPI: only a launcher's, never a plain process's.
final class DistributedLaunchTests: XCTestCase {
    func testAPlainProcessIsNotDistributed() throws {
        XCTAssertNil(try DistributedLaunch.detect([:]))
        XCTAssertNil(try DistributedLaunch.detect(["PATH": "/usr/bin", "OMP_NUM_THREADS": "2"]))
        // Inside a slurm batch script (no srun step with several tasks): not distributed.
        XCTAssertNil(try DistributedLaunch.detect(["SLURM_JOB_ID": "7", "SLURM_NTASKS": "4"]))
    }

    func testMpirunIsDetectedWithItsSizes() throws {
        let launch = try XCTUnwrap(DistributedLaunch.detect(["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_LOCAL_SIZE": "2",
                                                             "OMPI_COMM_WORLD_RANK": "3"]))
        XCTAssertEqual(launch.launcher, "mpirun (Open MPI)")
        XCTAssertEqual(launch.worldSize, 4)
        XCTAssertEqual(launch.localSize, 2)
        XCTAssertEqual(launch.defaultThreads(cores: 16), 8)
        XCTAssertEqual(launch.defaultThreads(cores: 1), 1)
    }

    func testSrunWithPMIxIsDetectedAndUsesCPUsPerTask() throws {
        let launch = try XCTUnwrap(DistributedLaunch.detect(["PMIX_RANK": "0", "SLURM_STEP_ID": "0", "SLURM_STEP_NUM_TASKS": "8",
                                                             "SLURM_CPUS_PER_TASK": "4"]))
        XCTAssertEqual(launch.launcher, "srun (PMIx)")
        XCTAssertEqual(launch.worldSize, 8)
        XCTAssertEqual(launch.defaultThreads(cores: 64), 4)
    }

    func testSrunWithoutAnMPIPluginIsRefused() {
        XCTAssertThrowsError(try DistributedLaunch.detect(["SLURM_STEP_ID": "0", "SLURM_STEP_NUM_TASKS": "4"])) { error in
            XCTAssertTrue("\(error)".contains("srun --mpi=pmix"), "\(error)")
        }
        // One task is a plain process.
        XCTAssertNil(try DistributedLaunch.detect(["SLURM_STEP_ID": "0", "SLURM_STEP_NUM_TASKS": "1"]))
    }

    func testTheEscapeHatchTurnsDetectionOff() throws {
        XCTAssertNil(try DistributedLaunch.detect(["OMPI_COMM_WORLD_SIZE": "2", "STGCN_DISTRIBUTED": "0"]))
    }
}
