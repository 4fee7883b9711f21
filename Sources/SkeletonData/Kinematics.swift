import Foundation
import SeededRandom

/// A 3-vector for the synthetic-body kinematics.
struct Vec3: Sendable {
    var x: Double, y: Double, z: Double

    init(_ x: Double, _ y: Double, _ z: Double) { self.x = x; self.y = y; self.z = z }

    static let zero = Vec3(0, 0, 0)
    static func + (a: Vec3, b: Vec3) -> Vec3 { Vec3(a.x + b.x, a.y + b.y, a.z + b.z) }
    static func - (a: Vec3, b: Vec3) -> Vec3 { Vec3(a.x - b.x, a.y - b.y, a.z - b.z) }
    static func * (a: Vec3, s: Double) -> Vec3 { Vec3(a.x * s, a.y * s, a.z * s) }
}

/// A 3×3 rotation matrix (row-major).
struct Mat3: Sendable {
    var m: (Double, Double, Double, Double, Double, Double, Double, Double, Double)

    static let identity = Mat3(m: (1, 0, 0, 0, 1, 0, 0, 0, 1))

    /// Rotation about x by `angle` radians: (y, z) → (y cos − z sin, y sin + z cos).
    static func rx(_ angle: Double) -> Mat3 {
        let c = cos(angle), s = sin(angle)
        return Mat3(m: (1, 0, 0, 0, c, -s, 0, s, c))
    }

    /// Rotation about y: (x, z) → (x cos + z sin, −x sin + z cos).
    static func ry(_ angle: Double) -> Mat3 {
        let c = cos(angle), s = sin(angle)
        return Mat3(m: (c, 0, s, 0, 1, 0, -s, 0, c))
    }

    /// Rotation about z: (x, y) → (x cos − y sin, x sin + y cos).
    static func rz(_ angle: Double) -> Mat3 {
        let c = cos(angle), s = sin(angle)
        return Mat3(m: (c, -s, 0, s, c, 0, 0, 0, 1))
    }

    static func * (a: Mat3, v: Vec3) -> Vec3 {
        Vec3(a.m.0 * v.x + a.m.1 * v.y + a.m.2 * v.z,
             a.m.3 * v.x + a.m.4 * v.y + a.m.5 * v.z,
             a.m.6 * v.x + a.m.7 * v.y + a.m.8 * v.z)
    }

    static func * (a: Mat3, b: Mat3) -> Mat3 {
        let c0 = a * Vec3(b.m.0, b.m.3, b.m.6)
        let c1 = a * Vec3(b.m.1, b.m.4, b.m.7)
        let c2 = a * Vec3(b.m.2, b.m.5, b.m.8)
        return Mat3(m: (c0.x, c1.x, c2.x, c0.y, c1.y, c2.y, c0.z, c1.z, c2.z))
    }
}

/// Joint angles of one synthetic body at one instant (degrees), plus root motion (metres).
///
/// Body frame: x = the person's left, y = up, z = forward. Arm angles: `flexion` raises the
/// arm forward (180 = straight up), `abduction` sideways, `horizontal` swings a raised arm
/// outward (negative: across the body), `twist` rotates the upper arm outward, `elbow` bends
/// the forearm. Leg angles: `flexion` lifts the thigh forward, `abduction` sideways, `knee`
/// bends the shin backward.
struct BodyPose {
    struct Arm { var flexion = 0.0, abduction = 8.0, horizontal = 0.0, twist = 0.0, elbow = 10.0, wrist = 0.0 }
    struct Leg { var flexion = 0.0, abduction = 3.0, knee = 0.0, ankle = 0.0 }

    var left = Arm(), right = Arm()
    var leftLeg = Leg(), rightLeg = Leg()
    /// Forward bend, side bend (to the left), twist (to the left).
    var torsoPitch = 0.0, torsoRoll = 0.0, torsoTwist = 0.0
    var headPitch = 0.0, headYaw = 0.0
    /// Extra facing rotation (degrees, to the left) and root translation (body frame, metres).
    var yaw = 0.0
    var offset = Vec3.zero
    /// Height above the ground of the lowest foot point (jumping).
    var lift = 0.0
}

/// Bone lengths of one synthetic subject (metres).
struct BodyShape: Sendable {
    var lowerSpine = 0.25, upperSpine = 0.22, neck = 0.08, head = 0.15
    var shoulderHalf = 0.17, hipHalf = 0.09
    var upperArm = 0.28, forearm = 0.25, hand = 0.07, handTip = 0.07
    var thigh = 0.43, shin = 0.42, foot = 0.14

    /// A random subject: overall scale and per-part proportions.
    init(random: inout SplitMix64) {
        let scale = random.uniform(0.86, 1.12)
        let torso = random.uniform(0.92, 1.08) * scale
        let arms = random.uniform(0.92, 1.08) * scale
        let legs = random.uniform(0.92, 1.08) * scale
        let width = random.uniform(0.88, 1.12) * scale
        lowerSpine *= torso; upperSpine *= torso; neck *= torso; head *= random.uniform(0.94, 1.06) * scale
        shoulderHalf *= width; hipHalf *= width * random.uniform(0.95, 1.1)
        upperArm *= arms; forearm *= arms; hand *= arms; handTip *= arms
        thigh *= legs; shin *= legs; foot *= legs
    }

    init() {}
}

/// Forward kinematics: the 25 `ntu-rgb+d` joints plus 5 face points (nose, left eye, right
/// eye, left ear, right ear) in the body frame, the lowest foot point on the ground (y = 0).
enum Kinematics {
    /// Number of points `solve` writes: 25 NTU joints + nose, left eye, right eye, left ear, right ear.
    static let pointCount = 30
    static let degrees = Double.pi / 180

    static func solve(_ pose: BodyPose, _ body: BodyShape, into points: inout [Vec3]) {
        let d = degrees
        let torso = Mat3.ry(pose.torsoTwist * d) * Mat3.rz(-pose.torsoRoll * d) * Mat3.rx(pose.torsoPitch * d)
        let pelvis = Vec3.zero
        let spineMid = pelvis + torso * Vec3(0, body.lowerSpine, 0)
        let spineShoulder = spineMid + torso * Vec3(0, body.upperSpine, 0)
        let neck = spineShoulder + torso * Vec3(0, body.neck, 0)
        let headRotation = torso * Mat3.ry(pose.headYaw * d) * Mat3.rx(pose.headPitch * d)
        let head = neck + headRotation * Vec3(0, body.head * 0.6, 0)
        points[0] = pelvis; points[1] = spineMid; points[2] = neck; points[3] = head; points[20] = spineShoulder
        // Face points, for 2D (OpenPose) projection.
        points[25] = head + headRotation * Vec3(0, -0.01, 0.10)
        points[26] = head + headRotation * Vec3(0.032, 0.025, 0.085)
        points[27] = head + headRotation * Vec3(-0.032, 0.025, 0.085)
        points[28] = head + headRotation * Vec3(0.075, 0.01, 0.0)
        points[29] = head + headRotation * Vec3(-0.075, 0.01, 0.0)

        for (side, arm, base) in [(1.0, pose.left, 4), (-1.0, pose.right, 8)] {
            let shoulder = spineShoulder + torso * Vec3(side * body.shoulderHalf, -0.03, 0)
            let upper = torso * Mat3.ry(side * arm.horizontal * d) * Mat3.rz(side * arm.abduction * d)
                * Mat3.rx(-arm.flexion * d) * Mat3.ry(side * arm.twist * d)
            let elbow = shoulder + upper * Vec3(0, -body.upperArm, 0)
            let fore = upper * Mat3.rx(-arm.elbow * d)
            let wrist = elbow + fore * Vec3(0, -body.forearm, 0)
            let palm = fore * Mat3.rx(-arm.wrist * d)
            let hand = wrist + palm * Vec3(0, -body.hand, 0)
            points[base] = shoulder; points[base + 1] = elbow; points[base + 2] = wrist; points[base + 3] = hand
            let tipIndex = side > 0 ? 21 : 23
            points[tipIndex] = hand + palm * Vec3(0, -body.handTip, 0)
            points[tipIndex + 1] = hand + palm * Vec3(-side * 0.025, -0.015, 0.035)
        }
        for (side, leg, base) in [(1.0, pose.leftLeg, 12), (-1.0, pose.rightLeg, 16)] {
            let hip = pelvis + Vec3(side * body.hipHalf, -0.05, 0)
            let thigh = Mat3.rz(side * leg.abduction * d) * Mat3.rx(-leg.flexion * d)
            let knee = hip + thigh * Vec3(0, -body.thigh, 0)
            let shin = thigh * Mat3.rx(leg.knee * d)
            let ankle = knee + shin * Vec3(0, -body.shin, 0)
            let foot = ankle + shin * Mat3.rx(-leg.ankle * d) * Vec3(0, -0.05, body.foot)
            points[base] = hip; points[base + 1] = knee; points[base + 2] = ankle; points[base + 3] = foot
        }
        // Stand on the ground, then apply facing, translation and lift.
        var lowest = Double.infinity
        for i in [14, 15, 18, 19] { lowest = min(lowest, points[i].y) }
        let facing = Mat3.ry(pose.yaw * d)
        let shift = Vec3(0, -lowest + pose.lift, 0) + pose.offset
        for i in 0..<pointCount { points[i] = facing * (points[i] + shift) }
    }
}
