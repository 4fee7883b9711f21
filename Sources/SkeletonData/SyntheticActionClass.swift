import Foundation
import SeededRandom

/// The motion classes of `SyntheticActions`, in label order.
public enum SyntheticActionClass: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case waveRightHand, clapping, squatting, jumping, kicking, walkingInPlace, punching
    case raisingBothArms, bowing, sideStepping, turningAround, handshake, pushing

    /// A snake_case name, e.g. `wave_right_hand`.
    public var name: String {
        switch self {
        case .waveRightHand: return "wave_right_hand"
        case .clapping: return "clapping"
        case .squatting: return "squatting"
        case .jumping: return "jumping"
        case .kicking: return "kicking"
        case .walkingInPlace: return "walking_in_place"
        case .punching: return "punching"
        case .raisingBothArms: return "raising_both_arms"
        case .bowing: return "bowing"
        case .sideStepping: return "side_stepping"
        case .turningAround: return "turning_around"
        case .handshake: return "handshake"
        case .pushing: return "pushing"
        }
    }

    public var description: String { name }

    /// Whether the class involves a second person (M index 1).
    public var isTwoPerson: Bool { self == .handshake || self == .pushing }

    /// The range of motion cycles over a full-length clip (speed variation).
    var cycleRange: ClosedRange<Double> {
        switch self {
        case .waveRightHand: return 2.5...5
        case .clapping: return 3...6
        case .squatting: return 1...2.5
        case .jumping: return 1.5...3.5
        case .kicking: return 1...2.5
        case .walkingInPlace: return 2.5...5
        case .punching: return 2.5...5
        case .raisingBothArms: return 1...2.2
        case .bowing: return 1...2
        case .sideStepping: return 1...2.5
        case .turningAround: return 0.5...1.1
        case .handshake: return 3...6
        case .pushing: return 1...2
        }
    }
}

/// Per-clip variation of a motion: speed, phase, amplitude and idle posture.
struct MotionStyle {
    var cycles: Double
    var phase: Double
    var amplitude: Double
    var direction: Double
    var restAbduction: Double
    var restElbow: Double
    var sway: Double

    init(for action: SyntheticActionClass, random: inout SplitMix64) {
        cycles = random.uniform(action.cycleRange.lowerBound, action.cycleRange.upperBound)
        phase = random.uniform(0, 1)
        amplitude = random.uniform(0.8, 1.15)
        direction = random.chance(0.5) ? 1 : -1
        restAbduction = random.uniform(4, 16)
        restElbow = random.uniform(5, 25)
        sway = random.uniform(0, 3)
    }
}

extension SyntheticActionClass {
    /// The pose of person `role` (0 or 1) at normalized time `u` in [0, 1].
    func pose(role: Int, at u: Double, style: MotionStyle) -> BodyPose {
        var pose = BodyPose()
        pose.left.abduction = style.restAbduction
        pose.right.abduction = style.restAbduction
        pose.left.elbow = style.restElbow
        pose.right.elbow = style.restElbow
        pose.torsoRoll = style.sway * sin(2 * Double.pi * (0.7 * u + style.phase))
        let a = style.amplitude
        // Phase-aligned start for one-shot motions keeps them inside the clip.
        let p = (isCyclicFromAnyPhase ? style.phase : 0) + style.cycles * u
        let w = 2 * Double.pi * p
        let s = sin(w)
        let f = p - p.rounded(.down)
        let q = (1 - cos(w)) / 2
        switch self {
        case .waveRightHand:
            pose.right.abduction = 95 + 10 * a
            pose.right.twist = 90
            pose.right.flexion = 20
            pose.right.elbow = 65 + 35 * a * s
            pose.headYaw = -8
        case .clapping:
            for side in 0..<2 {
                var arm = BodyPose.Arm(flexion: 75, abduction: 5, horizontal: 10 + 32 * a * s, twist: 0, elbow: 45, wrist: 0)
                arm.flexion += 5 * s
                if side == 0 { pose.left = arm } else { pose.right = arm }
            }
        case .squatting:
            let depth = q * a
            pose.leftLeg = BodyPose.Leg(flexion: 95 * depth, abduction: 8, knee: 120 * depth, ankle: 25 * depth)
            pose.rightLeg = pose.leftLeg
            pose.torsoPitch = 30 * depth
            pose.left.flexion = 80 * depth
            pose.right.flexion = 80 * depth
        case .jumping:
            var crouch = 0.0, air = 0.0
            if f < 0.3 { crouch = sin(Double.pi * f / 0.3) } else if f < 0.7 { air = sin(Double.pi * (f - 0.3) / 0.4) } else { crouch = 0.6 * sin(Double.pi * (f - 0.7) / 0.3) }
            pose.lift = 0.25 * a * air
            pose.leftLeg = BodyPose.Leg(flexion: 45 * crouch + 10 * air, abduction: 4, knee: 75 * crouch + 15 * air, ankle: 20 * crouch - 20 * air)
            pose.rightLeg = pose.leftLeg
            pose.torsoPitch = 25 * crouch
            pose.left.flexion = -20 * crouch + 120 * air
            pose.right.flexion = pose.left.flexion
        case .kicking:
            let k = pow(max(0, sin(2 * Double.pi * f)), 2) * a
            pose.rightLeg = BodyPose.Leg(flexion: 85 * k, abduction: 3, knee: 10 + 90 * k * (1 - k) * 2, ankle: -20 * k)
            pose.left.abduction = 25
            pose.right.abduction = 25
            pose.left.elbow = 60
            pose.right.elbow = 60
            pose.torsoPitch = -10 * k
        case .walkingInPlace:
            let l = max(0, s) * a, r = max(0, -s) * a
            pose.leftLeg = BodyPose.Leg(flexion: 45 * l, abduction: 3, knee: 75 * l, ankle: 0)
            pose.rightLeg = BodyPose.Leg(flexion: 45 * r, abduction: 3, knee: 75 * r, ankle: 0)
            pose.left.flexion = -25 * a * s
            pose.right.flexion = 25 * a * s
            pose.left.elbow = 25
            pose.right.elbow = 25
        case .punching:
            let extend = pow(sin(Double.pi * f), 2) * a
            let rightPunch = Int(p.rounded(.down)) % 2 == 0
            let guardArm = BodyPose.Arm(flexion: 60, abduction: 12, horizontal: -15, twist: 0, elbow: 120, wrist: 0)
            var punch = guardArm
            punch.flexion = 60 + 28 * extend
            punch.horizontal = -15 + 5 * extend
            punch.elbow = 120 * (1 - min(1, extend)) + 5
            pose.left = rightPunch ? guardArm : punch
            pose.right = rightPunch ? punch : guardArm
            pose.torsoTwist = (rightPunch ? 12 : -12) * extend
            pose.leftLeg.flexion = 10; pose.leftLeg.knee = 15
            pose.rightLeg.knee = 15
        case .raisingBothArms:
            let up = q * a
            pose.left.flexion = 170 * min(1, up)
            pose.right.flexion = 170 * min(1, up)
            pose.left.abduction = 15
            pose.right.abduction = 15
            pose.left.elbow = 8
            pose.right.elbow = 8
            pose.headPitch = -12 * up
        case .bowing:
            let bend = q * a
            pose.torsoPitch = 65 * bend
            pose.left.flexion = -50 * bend
            pose.right.flexion = -50 * bend
            pose.headPitch = 10 * bend
            pose.leftLeg.knee = 6 * bend
            pose.rightLeg.knee = 6 * bend
        case .sideStepping:
            pose.offset = Vec3(0.35 * a * style.direction * sin(w), 0, 0)
            let c = cos(w) * style.direction
            pose.leftLeg = BodyPose.Leg(flexion: 8 * max(0, c), abduction: 5 + 16 * max(0, c), knee: 18 * max(0, c), ankle: 0)
            pose.rightLeg = BodyPose.Leg(flexion: 8 * max(0, -c), abduction: 5 + 16 * max(0, -c), knee: 18 * max(0, -c), ankle: 0)
            pose.left.abduction = 18
            pose.right.abduction = 18
        case .turningAround:
            pose.yaw = style.direction * 360 * style.cycles * u
            let step = sin(2 * Double.pi * 4 * style.cycles * u)
            pose.leftLeg = BodyPose.Leg(flexion: 20 * max(0, step), abduction: 4, knee: 35 * max(0, step), ankle: 0)
            pose.rightLeg = BodyPose.Leg(flexion: 20 * max(0, -step), abduction: 4, knee: 35 * max(0, -step), ankle: 0)
        case .handshake:
            pose.right = BodyPose.Arm(flexion: 50 + 10 * a * s, abduction: 5, horizontal: -22, twist: 0, elbow: 40 - 6 * s, wrist: 0)
            pose.torsoPitch = 6
        case .pushing:
            let e = pow(q, 0.6) * a
            if role == 0 {
                pose.left = BodyPose.Arm(flexion: 82, abduction: 5, horizontal: -8, twist: 0, elbow: 95 * (1 - min(1, e)) + 8, wrist: 0)
                pose.right = pose.left
                pose.torsoPitch = 15 * e
                pose.offset = Vec3(0, 0, 0.18 * e)
                pose.leftLeg.flexion = 15 * e
                pose.leftLeg.knee = 20 * e
            } else {
                pose.torsoPitch = -15 * e
                pose.offset = Vec3(0, 0, -0.35 * e)
                pose.left.flexion = 35 * e
                pose.right.flexion = 35 * e
                pose.left.abduction = 25 * e + 5
                pose.right.abduction = 25 * e + 5
                pose.rightLeg.flexion = -15 * e
            }
        }
        return pose
    }

    /// Motions that may start at any phase of their cycle (others start from rest).
    private var isCyclicFromAnyPhase: Bool {
        switch self {
        case .squatting, .raisingBothArms, .bowing, .pushing, .turningAround: return false
        default: return true
        }
    }
}
