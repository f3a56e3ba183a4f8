// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "../lib/Test.sol";
import {ComputeToken} from "../../contracts/tokens/ComputeToken.sol";
import {IEIP3009} from "../../contracts/interfaces/IEIP3009.sol";

/// @notice Random mints, burns and transfers of COMPUTE between a few actors.
contract ComputeHandler is Test {
    ComputeToken public immutable compute;
    address[] public actors;
    uint256 public ghostMinted;
    uint256 public ghostBurned;

    constructor(ComputeToken compute_, address[] memory actors_, uint256 genesis) {
        compute = compute_;
        actors = actors_;
        ghostMinted = genesis;
    }

    function _actor(uint256 seed) private view returns (address) {
        return actors[seed % actors.length];
    }

    function mint(uint256 toSeed, uint256 amount) external {
        uint256 left = compute.mintableLeft();
        if (left == 0) return;
        amount = bound(amount, 1, left);
        compute.mint(_actor(toSeed), amount); // the handler holds MINTER_ROLE
        ghostMinted += amount;
    }

    function burn(uint256 fromSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        uint256 bal = compute.balanceOf(from);
        if (bal == 0) return;
        amount = bound(amount, 1, bal);
        vm.prank(from);
        compute.burn(amount);
        ghostBurned += amount;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        uint256 bal = compute.balanceOf(from);
        if (bal == 0) return;
        vm.prank(from);
        compute.transfer(_actor(toSeed), bound(amount, 1, bal));
    }
}

/// @notice COMPUTE supply invariants (T1–T2 in audits/invariants.md) and EIP-3009 fuzzing.
contract ComputeTokenTest is Test {
    ComputeToken internal compute;
    ComputeHandler internal handler;
    address[] internal actors;
    uint256 internal constant GENESIS = 3_000_000_000e18;

    function setUp() public {
        actors.push(makeAddr("a"));
        actors.push(makeAddr("b"));
        actors.push(makeAddr("c"));
        compute = new ComputeToken(address(this), actors[0], GENESIS);
        handler = new ComputeHandler(compute, actors, GENESIS);
        compute.grantRole(compute.MINTER_ROLE(), address(handler));
        targetContract(address(handler));
    }

    /// T1: at most 10B COMPUTE are ever minted; minted = supply + burned.
    function invariant_mintedNeverExceedsCap() public view {
        assertEq(compute.totalSupply() + compute.totalBurned(), handler.ghostMinted(), "minted == supply + burned");
        assertLe(compute.totalMinted(), compute.CAP(), "minted <= cap");
    }

    /// T2: totalBurned is the sum of all burns, and balances add up to the supply.
    function invariant_burnsCountedAndBalancesSum() public view {
        assertEq(compute.totalBurned(), handler.ghostBurned(), "totalBurned == sum of burns");
        uint256 sum;
        for (uint256 i = 0; i < actors.length; i++) sum += compute.balanceOf(actors[i]);
        assertEq(sum, compute.totalSupply(), "balances sum to supply");
    }

    bytes32 internal constant TRANSFER_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );

    function _digest(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(TRANSFER_TYPEHASH, from, to, value, validAfter, validBefore, nonce));
        return keccak256(abi.encodePacked("\x19\x01", compute.DOMAIN_SEPARATOR(), structHash));
    }

    function _sig(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// Any authorisation signed by the holder moves exactly `value` once; a replay, a different
    /// signer or a window that excludes now always reverts with its named error.
    function testFuzz_transferWithAuthorization(uint256 key, uint256 value, bytes32 nonce, uint256 otherKey, uint32 window)
        public
    {
        key = bound(key, 1, 1e70);
        otherKey = bound(otherKey, 1, 1e70);
        vm.assume(otherKey != key);
        address from = vm.addr(key);
        address to = makeAddr("payee");
        value = bound(value, 0, 1_000_000e18);
        vm.prank(actors[0]);
        compute.transfer(from, value);
        uint256 validBefore = block.timestamp + 1 + window;
        bytes32 digest = _digest(from, to, value, 0, validBefore, nonce);

        vm.expectRevert(abi.encodeWithSelector(IEIP3009.InvalidAuthorizationSignature.selector, from));
        compute.transferWithAuthorization(from, to, value, 0, validBefore, nonce, _sig(otherKey, digest));

        bytes memory good = _sig(key, digest);
        compute.transferWithAuthorization(from, to, value, 0, validBefore, nonce, good);
        assertEq(compute.balanceOf(to), value, "value moved");
        assertEq(compute.balanceOf(from), 0, "debited");

        vm.expectRevert(abi.encodeWithSelector(IEIP3009.AuthorizationAlreadyUsed.selector, from, nonce));
        compute.transferWithAuthorization(from, to, value, 0, validBefore, nonce, good);

        bytes32 nonce2 = keccak256(abi.encode(nonce));
        vm.warp(validBefore);
        bytes memory late = _sig(key, _digest(from, to, 0, 0, validBefore, nonce2));
        vm.expectRevert(abi.encodeWithSelector(IEIP3009.AuthorizationExpired.selector, validBefore));
        compute.transferWithAuthorization(from, to, 0, 0, validBefore, nonce2, late);
    }
}
