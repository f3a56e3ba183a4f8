// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "../lib/Test.sol";
import {ComputeToken} from "../../contracts/tokens/ComputeToken.sol";
import {UBCToken} from "../../contracts/tokens/UBCToken.sol";
import {VentureFactory} from "../../contracts/ventures/VentureFactory.sol";
import {Venture} from "../../contracts/ventures/Venture.sol";
import {IVentureFactory} from "../../contracts/interfaces/IVentureFactory.sol";

/// @dev Shared set-up for the ventures' Solidity tests: COMPUTE, UBC, a factory, and a helper
///      that creates a venture whose revenue tokens are COMPUTE and UBC.
abstract contract VentureBase is Test {
    ComputeToken internal compute;
    UBCToken internal ubc;
    VentureFactory internal factory;
    address internal treasury = address(0x7EA5);
    address internal operator = address(0x0BE7);

    function _deployBase() internal {
        compute = new ComputeToken(address(this), treasury, 3_000_000_000e18);
        ubc = new UBCToken(treasury);
        factory = new VentureFactory(compute, address(this), address(this));
    }

    function _params(uint16 distributionBps, uint16 feeBps, uint96 hurdle)
        internal
        view
        returns (IVentureFactory.VentureParams memory p)
    {
        address[] memory tokens = new address[](2);
        tokens[0] = address(compute);
        tokens[1] = address(ubc);
        uint96[] memory hurdles = new uint96[](2);
        hurdles[0] = hurdle;
        hurdles[1] = hurdle;
        p = IVentureFactory.VentureParams({
            operator: operator,
            operatorAgentId: 0,
            name: "Trading Swarm",
            symbol: "SWARM",
            metadataURI: "ipfs://swarm",
            pricePerShare: 1,
            minShares: 1,
            maxShares: 1e28,
            raiseDuration: 365 days,
            distributionBps: distributionBps,
            performanceFeeBps: feeBps,
            performancePeriod: feeBps == 0 ? 0 : 30 days,
            revenueTokens: tokens,
            hurdles: hurdles
        });
    }

    function _create(IVentureFactory.VentureParams memory p) internal returns (Venture) {
        return Venture(factory.createVenture(p));
    }

    /// @dev Gives `who` COMPUTE and UBC from the treasury and approves `spender` for both.
    function _fund(address who, address spender, uint256 amount) internal {
        vm.startPrank(treasury);
        compute.transfer(who, amount);
        ubc.transfer(who, amount);
        vm.stopPrank();
        vm.startPrank(who);
        compute.approve(spender, type(uint256).max);
        ubc.approve(spender, type(uint256).max);
        vm.stopPrank();
    }
}
