// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeMath} from "./FeeMath.sol";

/// @title Settlement
/// @notice The payout rules of a WorkMarket job, as a pure function of its value, flags and the
///         burn share of the protocol fee. For every job:
///         toProvider + toRequester + toTreasury + toValidators + burned
///         = value + requester deposit + protocol fee + validation fee + producer deposit (+ bond).
library Settlement {
    uint8 internal constant FLAG_PRODUCER_WINS = 1;
    uint8 internal constant FLAG_VALIDATORS_PAID = 2;
    uint8 internal constant FLAG_NO_FAULT = 4;
    uint8 internal constant FLAG_CHALLENGED = 8;
    uint8 internal constant FLAG_BOND_BY_PROVIDER = 16;
    uint8 internal constant FLAG_DISAGREEMENT = 32;

    struct Payout {
        uint256 toProvider;
        uint256 toRequester;
        uint256 toTreasury;
        uint256 toValidators; // the validation fee, if validators earned it
        uint256 protocolFee; // charged (0 unless the producer wins)
        uint256 feeBurn; // burn share of the protocol fee
        uint256 requesterBondBurn; // half the deposit of a requester that challenged and lost
        uint256 providerDepositBurn; // half the deposit of a producer whose work was rejected
        uint256 providerBondBurn; // half the bond of a producer that challenged and lost
    }

    /// @notice The payouts of a settled job. See docs/market.md, "Payouts".
    function payout(uint256 v, uint8 f, uint256 burnBps) internal pure returns (Payout memory p) {
        uint256 providerDeposit = FeeMath.providerDeposit(v);
        uint256 requesterDeposit = FeeMath.requesterDeposit(v);
        uint256 pf = FeeMath.protocolFee(v);
        uint256 vf = FeeMath.validationFee(v);
        uint256 bond = f & FLAG_BOND_BY_PROVIDER != 0 ? FeeMath.challengeBond(v) : 0;
        if (f & FLAG_NO_FAULT != 0) {
            // Nobody at fault: everything goes back to whoever locked it.
            p.toRequester = v + requesterDeposit + pf + vf;
            p.toProvider = providerDeposit + bond;
            return p;
        }
        if (f & FLAG_PRODUCER_WINS != 0) {
            p.toProvider = v + providerDeposit + bond;
            p.protocolFee = pf;
            p.feeBurn = FeeMath.bps(pf, burnBps);
            p.toTreasury = pf - p.feeBurn;
            if (f & (FLAG_CHALLENGED | FLAG_BOND_BY_PROVIDER) == FLAG_CHALLENGED) {
                // The requester challenged and lost: its deposit (its bond) is slashed.
                (uint256 comp, uint256 burned) = FeeMath.splitSlash(requesterDeposit);
                p.toProvider += comp;
                p.requesterBondBurn = burned;
            } else {
                p.toRequester = requesterDeposit;
            }
        } else {
            // The work was rejected: the requester gets the value and the protocol fee back; the
            // producer's deposit (and a lost bond) is slashed, half to the requester.
            (uint256 comp, uint256 burned) = FeeMath.splitSlash(providerDeposit);
            p.toRequester = v + requesterDeposit + pf + comp;
            p.providerDepositBurn = burned;
            if (bond != 0) {
                (comp, burned) = FeeMath.splitSlash(bond);
                p.toRequester += comp;
                p.providerBondBurn = burned;
            }
        }
        if (f & FLAG_VALIDATORS_PAID != 0) p.toValidators = vf;
        else p.toRequester += vf;
    }
}
