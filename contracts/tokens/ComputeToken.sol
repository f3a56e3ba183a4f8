// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IComputeToken} from "../interfaces/IComputeToken.sol";
import {ERC20Authorizations} from "./extensions/ERC20Authorizations.sol";

/// @title ComputeToken
/// @notice COMPUTE, the currency of the agent economy. At most 10,000,000,000 COMPUTE are ever
///         minted (burned tokens do not free room under the cap). The genesis allocation outside
///         the 7,000,000,000 staking budget is minted at deployment; after that only MINTER_ROLE
///         (granted to the StakingVault) mints. Burnable with a running `totalBurned`;
///         EIP-2612 permit and EIP-3009 authorisations share one EIP-712 domain ("COMPUTE", "1").
contract ComputeToken is ERC20, ERC20Permit, ERC20Authorizations, AccessControl, IComputeToken {
    /// @notice Hard cap on the amount ever minted: 10,000,000,000 COMPUTE.
    uint256 public constant CAP = 10_000_000_000e18;
    /// @notice The part of the cap reserved for staking rewards: 7,000,000,000 COMPUTE.
    uint256 public constant STAKING_RESERVE = 7_000_000_000e18;
    /// @notice Role allowed to mint (the staking vault).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @inheritdoc IComputeToken
    uint256 public totalBurned;

    /// @param admin Administers roles (governance: a timelock in production).
    /// @param genesisRecipient Receives the genesis allocation (the treasury).
    /// @param genesisAmount At most CAP - STAKING_RESERVE, so the staking budget stays mintable.
    constructor(address admin, address genesisRecipient, uint256 genesisAmount)
        ERC20("Compute", "COMPUTE")
        ERC20Permit("COMPUTE")
    {
        if (admin == address(0)) revert ZeroAddress();
        if (genesisAmount > CAP - STAKING_RESERVE) revert CapExceeded(genesisAmount, CAP - STAKING_RESERVE);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (genesisAmount != 0) {
            if (genesisRecipient == address(0)) revert ZeroAddress();
            _mint(genesisRecipient, genesisAmount);
        }
    }

    /// @inheritdoc IComputeToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        uint256 available = CAP - (totalSupply() + totalBurned);
        if (amount > available) revert CapExceeded(amount, available);
        _mint(to, amount);
    }

    /// @inheritdoc IComputeToken
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    /// @inheritdoc IComputeToken
    function burnFrom(address account, uint256 amount) external {
        _spendAllowance(account, msg.sender, amount);
        _burn(account, amount);
    }

    /// @inheritdoc IComputeToken
    function totalMinted() external view returns (uint256) {
        return totalSupply() + totalBurned;
    }

    /// @inheritdoc IComputeToken
    function mintableLeft() external view returns (uint256) {
        return CAP - (totalSupply() + totalBurned);
    }

    /// @dev Counts every burn (a transfer to the zero address) in `totalBurned`.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (to == address(0)) {
            totalBurned += value;
        }
    }
}
