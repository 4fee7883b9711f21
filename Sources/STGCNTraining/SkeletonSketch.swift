import Foundation
import SkeletonGraph
import SkeletonData

/// 2D positions of a layout's joints for drawing (a front view, person facing the viewer,
/// y up, roughly in [−1, 1]): hand-written tables for the built-in layouts, joints on a circle
/// otherwise.
public enum SkeletonSketch {
    /// One (x, y) per joint of `layout`.
    public static func positions(for layout: SkeletonLayout) -> [(x: Double, y: Double)] {
        let table: [(Double, Double)]?
        switch layout.name {
        case "ntu-rgb+d": table = ntu
        case "ntu_edge": table = Array(ntu.prefix(20)) + Array(ntu.suffix(4))
        case "openpose": table = openpose
        case "coco": table = coco
        case "kinect-v1": table = kinectV1
        case "msr-action3d": table = SkeletonSketchMSR.positions(kinectV1: kinectV1)
        default: table = nil
        }
        if let table, table.count == layout.jointCount { return table.map { (x: $0.0, y: $0.1) } }
        let count = max(1, layout.jointCount)
        return (0..<layout.jointCount).map { index in
            let angle = 2 * Double.pi * Double(index) / Double(count) + Double.pi / 2
            return (x: 0.9 * cos(angle), y: 0.9 * sin(angle))
        }
    }

    /// NTU RGB+D, 25 joints (0-based): the subject's left side drawn on the viewer's right.
    static let ntu: [(Double, Double)] = [
        (0, -0.05), (0, 0.3), (0, 0.78), (0, 0.95),                    // 0 spine base, 1 mid spine, 2 neck, 3 head
        (0.22, 0.66), (0.32, 0.38), (0.38, 0.12), (0.4, 0.04),         // 4–7 left shoulder, elbow, wrist, hand
        (-0.22, 0.66), (-0.32, 0.38), (-0.38, 0.12), (-0.4, 0.04),     // 8–11 right
        (0.12, -0.1), (0.14, -0.5), (0.15, -0.88), (0.22, -0.95),      // 12–15 left hip, knee, ankle, foot
        (-0.12, -0.1), (-0.14, -0.5), (-0.15, -0.88), (-0.22, -0.95),  // 16–19 right
        (0, 0.66),                                                     // 20 spine shoulder
        (0.42, -0.05), (0.33, 0.0), (-0.42, -0.05), (-0.33, 0.0),      // 21 left tip, 22 left thumb, 23/24 right
    ]

    /// OpenPose COCO-18.
    static let openpose: [(Double, Double)] = [
        (0, 0.92), (0, 0.7),                                           // 0 nose, 1 neck
        (-0.2, 0.68), (-0.3, 0.4), (-0.36, 0.12),                      // 2–4 right shoulder, elbow, wrist
        (0.2, 0.68), (0.3, 0.4), (0.36, 0.12),                         // 5–7 left
        (-0.12, 0.0), (-0.14, -0.45), (-0.15, -0.9),                   // 8–10 right hip, knee, ankle
        (0.12, 0.0), (0.14, -0.45), (0.15, -0.9),                      // 11–13 left
        (-0.04, 0.97), (0.04, 0.97), (-0.09, 0.93), (0.09, 0.93),      // 14 right eye, 15 left eye, 16/17 ears
    ]

    /// COCO-17.
    static let coco: [(Double, Double)] = [
        (0, 0.92), (0.04, 0.97), (-0.04, 0.97), (0.09, 0.93), (-0.09, 0.93),  // nose, eyes, ears
        (0.2, 0.68), (-0.2, 0.68), (0.3, 0.4), (-0.3, 0.4), (0.36, 0.12), (-0.36, 0.12),
        (0.12, 0.0), (-0.12, 0.0), (0.14, -0.45), (-0.14, -0.45), (0.15, -0.9), (-0.15, -0.9),
    ]

    /// Kinect v1, 20 joints.
    static let kinectV1: [(Double, Double)] = [
        (0, 0.0), (0, 0.35), (0, 0.7), (0, 0.92),                      // hip center, spine, shoulder center, head
        (0.22, 0.66), (0.32, 0.38), (0.38, 0.12), (0.4, 0.04),         // left arm
        (-0.22, 0.66), (-0.32, 0.38), (-0.38, 0.12), (-0.4, 0.04),     // right arm
        (0.12, -0.05), (0.14, -0.5), (0.15, -0.88), (0.22, -0.95),     // left leg
        (-0.12, -0.05), (-0.14, -0.5), (-0.15, -0.88), (-0.22, -0.95), // right leg
    ]
}

/// MSR Action3D's joint order mapped onto the Kinect v1 sketch.
enum SkeletonSketchMSR {
    static func positions(kinectV1: [(Double, Double)]) -> [(Double, Double)] {
        var result = [(Double, Double)](repeating: (0, 0), count: 20)
        for (kinect, msr) in SkeletonLayout.msrAction3DToKinectV1.enumerated() where msr < 20 && kinect < kinectV1.count {
            result[msr] = kinectV1[kinect]
        }
        return result
    }
}
